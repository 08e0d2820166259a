package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/backintake/backintake/db"
)

// measurement is one `intake export` process: the rows it reports in its
// export_finished audit row, its wall-clock and CPU time and its own peak
// resident set size.
type measurement struct {
	format string
	rows   int64
	wall   time.Duration
	cpu    time.Duration // user + system time of the exporting process
	maxRSS int64         // bytes, the child's own peak resident set size
}

func (m measurement) rowsPerSec() float64    { return float64(m.rows) / m.wall.Seconds() }
func (m measurement) rowsPerCPUSec() float64 { return float64(m.rows) / m.cpu.Seconds() }

// measure runs `bin export format --db dbPath` as its own process with stdout
// on /dev/null (so no reader in this process competes for the CPU). The row
// count comes from the export_finished audit row, which must say ok.
//
// Peak RSS is the child's own: VmHWM (a high-water mark) from
// /proc/<pid>/status, sampled every millisecond until it exits. wait4's
// ru_maxrss alone can mislead: Go starts children with vfork, and Linux then
// carries this process's own peak into the child's ru_maxrss at exec. It is
// used only when it exceeds this process's own peak, so it can only catch a
// last-moment rise the sampling missed.
func measure(ctx context.Context, bin, dbPath, format string) (measurement, error) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return measurement{}, err
	}
	defer devnull.Close()
	var self syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &self); err != nil {
		return measurement{}, err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "export", format, "--db", dbPath)
	cmd.Stdout, cmd.Stderr = devnull, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	done := make(chan struct{})
	hwm := make(chan int64, 1)
	go func() { hwm <- sampleHWM(cmd.Process.Pid, done) }()
	err = cmd.Wait()
	wall := time.Since(start)
	close(done)
	peak := <-hwm
	if err != nil {
		return measurement{}, fmt.Errorf("intake export %s: %v: %s", format, err, stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return measurement{}, errors.New("no rusage for the child on this system")
	}
	if ru.Maxrss > self.Maxrss { // kilobytes on Linux
		peak = max(peak, ru.Maxrss*1024)
	}
	if peak == 0 {
		return measurement{}, errors.New("could not read the child's peak RSS")
	}
	m := measurement{format: format, wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), maxRSS: peak}
	m.rows, err = lastExportRows(ctx, dbPath)
	return m, err
}

// sampleHWM returns the highest VmHWM of process pid, in bytes, read every
// millisecond until done is closed or the process is gone.
func sampleHWM(pid int, done <-chan struct{}) int64 {
	path := fmt.Sprintf("/proc/%d/status", pid)
	var peak int64
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		if b, err := os.ReadFile(path); err == nil {
			peak = max(peak, vmHWM(b))
		}
		select {
		case <-done:
			return peak
		case <-t.C:
		}
	}
}

// vmHWM parses the "VmHWM:  1234 kB" line of /proc/<pid>/status into bytes.
func vmHWM(status []byte) int64 {
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// lastExportRows returns the row count of the newest export_finished audit row.
func lastExportRows(ctx context.Context, dbPath string) (int64, error) {
	d, err := db.Open(ctx, dbPath)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	rows, _, err := d.Audit(ctx, db.AuditQuery{Action: db.ActionExportFinished, Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(rows) == 0 || rows[0].Outcome != db.OutcomeOK {
		return 0, fmt.Errorf("no successful export_finished audit row: %+v", rows)
	}
	return rows[0].RowCount, nil
}

// summary is the median run by rows/s, with the highest peak RSS of all runs.
func summary(runs []measurement) measurement {
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b measurement) int { return int(a.wall - b.wall) })
	m := s[len(s)/2]
	for _, r := range runs {
		m.maxRSS = max(m.maxRSS, r.maxRSS)
	}
	return m
}
