// A strand whose executor fits in any_io_executor's inline storage.
//
// any_io_executor stores an executor of up to 24 bytes in place; a larger one
// goes to the heap behind a shared_ptr. strand<any_io_executor> (a strand over
// the type-erased executor) is larger, so every any_io_executor made from it --
// each coroutine's executor, each handler's tracked-work copy
// (prefer(outstanding_work.tracked)), each co_spawn -- allocated, and every copy
// and destruction touched an atomic reference count. A strand over the
// io_context's own executor type is 24 bytes: stored in place, no allocation.
// On the HTTP request path (one strand per connection, the pool's strand) that
// took a tools/call from 409 to 275 allocations (bench/allocations_per_request.sh).
//
// Same serialisation either way; only the wrapped executor type differs. An
// executor that is not an io_context's (a test's thread_pool) gets the old
// strand over the type-erased executor.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace mcp::upstream {

inline boost::asio::any_io_executor make_inline_strand(const boost::asio::any_io_executor& ex) {
  if (const auto* io = ex.target<boost::asio::io_context::executor_type>()) return boost::asio::make_strand(*io);
  return boost::asio::make_strand(ex);
}

}  // namespace mcp::upstream
