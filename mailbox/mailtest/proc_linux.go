package mailtest

import "syscall"

// procAttr puts Dovecot in its own process group, and kills it if the
// test process dies first (a test binary that times out runs no
// cleanup); its children follow their master.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
