#include "webui/assets.h"

namespace tide::webui {

std::string_view Find(std::string_view path) {
  for (const Asset& a : Assets())
    if (a.path == path) return a.body;
  return {};
}

}  // namespace tide::webui
