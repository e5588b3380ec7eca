// Where a session's messages to the client go. Over Streamable HTTP each
// POSTed request gets its own stream (JSON or SSE) and the session has one
// standalone GET stream; over stdio everything is a line on stdout.
#pragma once

#include "protocol.hpp"

namespace legacy {

class Outbound {
 public:
  virtual ~Outbound() = default;
  // Queues one JSON-RPC message; never blocks the caller.
  virtual void send(const json& message) = 0;
  // The request this stream belongs to has sent its last message.
  virtual void finish() {}
  // SEP-1699 polling: end the transport stream now while the request keeps
  // running; later messages are kept for the client to resume with Last-Event-ID.
  virtual void close_stream() {}
};

}  // namespace legacy
