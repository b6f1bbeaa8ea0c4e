package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the CPU times in /proc/PID/stat: the kernel's
// USER_HZ, 100 on every Linux architecture Go runs on.
const userHZ = 100

// processCPU is the CPU time (user and system, every thread) process pid
// has used so far, from /proc/PID/stat. The server is on this machine
// (loopback only), so with -pid its cost per request can be measured
// beside the latencies: a figure other processes on the machine barely
// change, unlike latency and throughput.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("-pid %d: %w", pid, err)
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// the fields that follow start after the last ')'. utime and stime
	// are fields 14 and 15, so 12th and 13th after the name.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	fields := strings.Fields(s[i+1:])
	if i < 0 || len(fields) < 13 {
		return 0, fmt.Errorf("-pid %d: cannot read %q", pid, s)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("-pid %d: cannot read CPU time %q", pid, f)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}
