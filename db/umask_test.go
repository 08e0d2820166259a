package db

import "syscall"

// setUmask sets the process umask and returns the old one, so tests can prove
// modes do not depend on it.
func setUmask(m int) int { return syscall.Umask(m) }
