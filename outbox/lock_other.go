//go:build !unix

package outbox

import "os"

// On systems without flock(2) the outbox is not locked.
func lockFile(f *os.File) error   { return nil }
func unlockFile(f *os.File) error { return nil }

func linkCount(info os.FileInfo) uint64 { return 1 }
