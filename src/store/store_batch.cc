#include "store/store.h"

namespace tide::store {

Status Store::WriteBatch(const Batch& b) {
  if (!b.samples.empty()) {
    if (Status s = AppendSamples(b.samples); !s.ok()) return s;
  }
  for (const auto& d : b.decisions) {
    if (Status s = AppendDecision(d); !s.ok()) return s;
  }
  for (const auto& [group, json] : b.states) {
    if (Status s = SaveState(group, b.at, json); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace tide::store
