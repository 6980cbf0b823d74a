// sched.h: scheduling hints for latency-critical threads.
#pragma once

#include <chrono>

#include "core/result.h"

namespace tide::platform {

// Asks the kernel for a short time slice for the calling thread, which keeps its normal
// policy and nice value. Under Linux's EEVDF scheduler (6.12 and later) a runnable task's
// deadline is its eligible time plus its slice, so a thread with a short slice that wakes up
// runs ahead of busy threads with the default slice (about 3 ms) instead of waiting for
// one of them to use it up. For a proxy whose thread sleeps between short bursts next to
// replicas that burn CPU, that wait is the latency it adds. Needs no privilege; the kernel
// clamps the slice to [0.1 ms, 100 ms]. Older kernels accept and ignore the request (OK);
// a thread under a real-time or idle policy is left alone (OK). Error: the system call
// failed.
Status RequestTimeSlice(std::chrono::microseconds slice);

}  // namespace tide::platform
