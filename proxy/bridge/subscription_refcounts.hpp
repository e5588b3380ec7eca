// Reference counts of upstream resource subscriptions shared by listen
// streams. A legacy upstream knows one subscription per (session, uri); many
// subscriptions/listen streams may want the same uri on the same session, so
// the bridge subscribes upstream for the first and unsubscribes after the last.
// Pure bookkeeping (no I/O, no locking: the owner serialises).
#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace mcp::bridge {

class UriRefCounts {
 public:
  // True when `uri` had no holder: the caller must send resources/subscribe.
  bool acquire(const std::string& uri) { return ++counts_[uri] == 1; }

  // True when the last holder left: the caller must send resources/unsubscribe.
  // Releasing a uri nobody holds is a no-op (false).
  bool release(const std::string& uri) {
    auto it = counts_.find(uri);
    if (it == counts_.end()) return false;
    if (--it->second > 0) return false;
    counts_.erase(it);
    return true;
  }

  std::size_t holders(const std::string& uri) const {
    auto it = counts_.find(uri);
    return it == counts_.end() ? 0 : it->second;
  }
  bool empty() const { return counts_.empty(); }
  void clear() { counts_.clear(); }

 private:
  std::map<std::string, std::size_t> counts_;
};

}  // namespace mcp::bridge
