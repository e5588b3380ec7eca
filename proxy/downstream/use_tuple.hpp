#pragma once
// The completion token the downstream coroutines await with: the operation
// returns its error_code (and result) as a tuple instead of throwing, so a
// closed or timed-out connection is a value to test, not an exception.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mcp::downstream {

inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace mcp::downstream
