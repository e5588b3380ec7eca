// The bridge's io threads: one io_context per thread ("shard").
//
// With one io_context run by N threads, every completion may resume on any
// thread: a connection's strand hands its work from thread to thread, the
// scheduler wakes idle threads through a shared lock and an eventfd, and each
// request pays for it (bench/run_bridge_ab.sh, the same bridge with --threads 1
// against 2 on 2 cores, 2026-12-01: 12-26 % less CPU per request on one
// thread). Here each thread runs its own io_context (concurrency hint 1): the
// HTTP server gives every shard its own listener (SO_REUSEPORT,
// downstream/http_listener.hpp), a connection lives on the shard that accepted
// it, and upstream HTTP connections are kept per shard
// (upstream/http_connection_pool.hpp), so a request is read, forwarded,
// answered and written on one thread. Shared state (the session pool, MRTR
// exchanges, caches, metrics) was already safe across threads and stays shared.
//
// Shard 0 is the primary: everything that is not per connection (signals, the
// pool's strand, stdio children, background probes, /metrics) is built on it.
// The --stdio transport has one stream, so it runs one shard with all threads
// (`threads_per_shard`), as before. Declare it before anything that owns a
// socket or timer: those of every shard (idle upstream connections in the
// pool, for one) must go before their io_context does.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace mcp::downstream {

class IoShards {
 public:
  IoShards(std::size_t shards, std::size_t threads_per_shard);
  IoShards(const IoShards&) = delete;
  IoShards& operator=(const IoShards&) = delete;

  boost::asio::io_context& primary() { return *contexts_.front(); }
  std::size_t size() const { return contexts_.size(); }
  // One executor per shard, the primary's first.
  std::vector<boost::asio::any_io_executor> executors() const;

  // Runs every shard until the primary's io_context stops (or runs out of
  // work); then stops the others and joins their threads. The calling thread
  // runs the primary.
  void run();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::size_t threads_per_shard_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  // Shards other than the primary idle between connections: kept running
  // until run() ends (the primary keeps its own work: signals, listeners).
  std::vector<std::optional<Guard>> guards_;
};

}  // namespace mcp::downstream
