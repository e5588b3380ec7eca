// A concurrent_channel that allocates nothing until it buffers a value.
//
// Asio's default channel_traits keep buffered values in a std::deque, and
// libstdc++'s deque allocates twice when it is constructed (its map and a first
// block), used or not. A channel made per request (a waiter that is woken once
// or twice, a one-shot reply) paid those two allocations each time
// (bench/allocations_per_request.sh). Here the buffer is a std::list: nothing
// up front, one node per value while it is buffered. For a long-lived channel
// that buffers many values the default deque stays the better choice.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/experimental/channel_traits.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <list>

namespace mcp::upstream {

template <typename... Signatures>
struct ListBufferedChannelTraits : boost::asio::experimental::channel_traits<Signatures...> {
  template <typename... NewSignatures>
  struct rebind {
    using other = ListBufferedChannelTraits<NewSignatures...>;
  };
  template <typename Element>
  struct container {
    using type = std::list<Element>;
  };
};

// concurrent_channel<Signatures...> with that buffer.
template <typename... Signatures>
using LazyBufferChannel =
    boost::asio::experimental::basic_concurrent_channel<boost::asio::any_io_executor, ListBufferedChannelTraits<>,
                                                        Signatures...>;

}  // namespace mcp::upstream
