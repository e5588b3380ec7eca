// Creates (not yet started) upstream sessions; one factory per configured upstream.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "upstream/upstream_session.hpp"

namespace mcp::upstream {

struct SessionContext {
  // Forwarded verbatim as the upstream `Authorization` header (HTTP only).
  std::string authorization;
};

class SessionFactory {
 public:
  virtual ~SessionFactory() = default;
  virtual std::shared_ptr<UpstreamSession> create(const SessionContext& ctx) = 0;
  // Human-readable upstream description for logs and /healthz.
  virtual std::string describe() const = 0;
};

}  // namespace mcp::upstream
