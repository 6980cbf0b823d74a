#include "platform/sched.h"

#include <fmt/format.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace tide::platform {
namespace {

// The kernel's struct sched_attr (include/uapi/linux/sched/types.h, SCHED_ATTR_SIZE_VER1).
// That header cannot be included next to <sched.h>, and glibc 2.36 has no wrapper.
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;  // for SCHED_OTHER since Linux 6.12: the slice, ns
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};
static_assert(sizeof(SchedAttr) == 56);

}  // namespace

Status RequestTimeSlice(std::chrono::microseconds slice) {
  SchedAttr attr{};
  if (syscall(SYS_sched_getattr, 0, &attr, sizeof(attr), 0) != 0)
    return Status::Runtime(fmt::format("sched_getattr: {}", std::strerror(errno)));
  if (attr.sched_policy != SCHED_OTHER) return Status::Ok();
  attr.size = sizeof(attr);
  attr.sched_runtime = static_cast<uint64_t>(slice.count()) * 1000;  // nanoseconds
  if (syscall(SYS_sched_setattr, 0, &attr, 0) != 0)
    return Status::Runtime(
        fmt::format("sched_setattr (slice {} us): {}", slice.count(), std::strerror(errno)));
  return Status::Ok();
}

}  // namespace tide::platform
