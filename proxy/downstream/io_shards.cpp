#include "downstream/io_shards.hpp"

#include <algorithm>
#include <thread>

namespace mcp::downstream {

namespace asio = boost::asio;

IoShards::IoShards(std::size_t shards, std::size_t threads_per_shard)
    : threads_per_shard_(std::max<std::size_t>(1, threads_per_shard)) {
  shards = std::max<std::size_t>(1, shards);
  for (std::size_t i = 0; i < shards; ++i) {
    // The hint lets a single-threaded io_context skip waking other threads.
    contexts_.push_back(std::make_unique<asio::io_context>(static_cast<int>(threads_per_shard_)));
    if (i > 0) guards_.emplace_back(std::in_place, contexts_.back()->get_executor());
  }
}

std::vector<asio::any_io_executor> IoShards::executors() const {
  std::vector<asio::any_io_executor> out;
  for (const auto& c : contexts_) out.push_back(c->get_executor());
  return out;
}

void IoShards::run() {
  std::vector<std::thread> threads;
  for (std::size_t s = 0; s < contexts_.size(); ++s)
    for (std::size_t t = (s == 0 ? 1 : 0); t < threads_per_shard_; ++t)
      threads.emplace_back([ctx = contexts_[s].get()] { ctx->run(); });
  contexts_.front()->run();
  // The primary ended (graceful shutdown drained every connection first):
  // the other shards hold no request any more.
  for (auto& g : guards_) g.reset();
  for (std::size_t s = 1; s < contexts_.size(); ++s) contexts_[s]->stop();
  for (auto& t : threads) t.join();
}

}  // namespace mcp::downstream
