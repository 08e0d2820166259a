package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// machine describes this machine and the filesystem of work. It returns an
// error if work is on tmpfs: a commit there never reaches a disk, so every
// storage figure would be meaningless.
func machine(work string) (Machine, error) {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), Work: work, Load: loadavg()}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	m.CPUModel = procField("/proc/cpuinfo", "model name")
	if kb, err := strconv.ParseFloat(strings.TrimSuffix(procField("/proc/meminfo", "MemTotal"), " kB"), 64); err == nil {
		m.MemoryGiB = kb / (1 << 20)
	}
	if v, err := exec.Command("chromium", "--version").Output(); err == nil {
		m.Chromium = strings.TrimSpace(string(v))
	}
	out, err := exec.Command("df", "-T", work).Output()
	if err != nil {
		return m, fmt.Errorf("df -T %s: %w", work, err)
	}
	m.DF = strings.TrimSpace(string(out))
	lines := strings.Split(m.DF, "\n")
	if f := strings.Fields(lines[len(lines)-1]); len(f) > 1 {
		m.FSType = f[1]
	}
	if m.FSType == "tmpfs" || m.FSType == "ramfs" {
		return m, fmt.Errorf("%s is on %s: benchmarks must run on the server's default filesystem (use --work)", work, m.FSType)
	}
	return m, nil
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// loadavg is the 1, 5 and 15 minute load average.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// load1 is the 1-minute load average (0 if unknown).
func load1() float64 {
	f := strings.Fields(loadavg())
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
