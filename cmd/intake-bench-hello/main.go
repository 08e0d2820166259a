// Command intake-bench-hello is the HTTP ceiling of scripts/bench: a Fiber
// hello-world with the server's Fiber settings that answers POST
// /api/v1/intakes with a fixed 201 {"id","patient_advice"} and does nothing
// else (no parsing, validation, screening or storage). intake-load drives it
// exactly as it drives the real server, so the difference between the two is
// the work backintake does per intake.
//
//	intake-bench-hello --addr 127.0.0.1:18081
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	flag.Parse()
	// The same transport settings as web.New (Immutable, limits, timeouts).
	app := fiber.New(fiber.Config{
		Immutable:             true,
		BodyLimit:             1 << 20,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           30 * time.Second,
		ReadBufferSize:        8 << 10,
		DisableStartupMessage: true,
	})
	reply := []byte(`{"id":"hello-world-000000000000","patient_advice":""}`)
	app.Post("/api/v1/intakes", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Status(fiber.StatusCreated).Send(reply)
	})
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	if err := app.Listen(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "intake-bench-hello:", err)
		os.Exit(1)
	}
}
