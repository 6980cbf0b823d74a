#include "platform/sched.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <thread>

namespace tide::platform {
namespace {

struct Attr {  // struct sched_attr, SCHED_ATTR_SIZE_VER1
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

Attr Current() {
  Attr a{};
  EXPECT_EQ(syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0), 0);
  return a;
}

// Linux 6.12 added custom slices for SCHED_OTHER; before that sched_runtime is ignored.
bool KernelHasCustomSlices() {
  utsname u{};
  uname(&u);
  int major = 0, minor = 0;
  std::sscanf(u.release, "%d.%d", &major, &minor);
  return major > 6 || (major == 6 && minor >= 12);
}

TEST(Sched, TheSliceIsSetAndThePolicyAndNiceValueKept) {
  std::thread([] {
    ASSERT_EQ(setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 3), 0);
    ASSERT_TRUE(RequestTimeSlice(std::chrono::microseconds(250)).ok());
    const Attr a = Current();
    EXPECT_EQ(a.policy, static_cast<uint32_t>(SCHED_OTHER));
    EXPECT_EQ(a.nice, 3);  // an unprivileged thread could not have lowered it back to 0
    if (KernelHasCustomSlices()) {
      EXPECT_EQ(a.runtime, 250000u);
    } else {
      std::printf("kernel before 6.12: the slice request is accepted and ignored\n");
    }
  }).join();
}

TEST(Sched, AThreadUnderAnotherPolicyIsLeftAlone) {
  std::thread([] {
    sched_param p{};
    ASSERT_EQ(sched_setscheduler(0, SCHED_IDLE, &p), 0);
    ASSERT_TRUE(RequestTimeSlice(std::chrono::microseconds(100)).ok());
    const Attr a = Current();
    EXPECT_EQ(a.policy, static_cast<uint32_t>(SCHED_IDLE));
  }).join();
}

}  // namespace
}  // namespace tide::platform
