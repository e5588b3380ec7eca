// A small Beast HTTP client for the integration tests: every operation is
// bounded by a deadline (io_context::run_for), so a broken server fails the
// test instead of hanging it.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sample_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The JSON-RPC messages carried by an SSE body ("data: {...}" lines).
inline std::vector<json> sse_messages(const std::string& body) {
  std::vector<json> messages;
  std::size_t start = 0;
  while (start < body.size()) {
    auto end = body.find('\n', start);
    if (end == std::string::npos) break;
    std::string line = body.substr(start, end - start);
    start = end + 1;
    if (line.rfind("data: ", 0) == 0 && line.size() > 6) {
      auto message = json::parse(line.substr(6), nullptr, false);
      if (!message.is_discarded()) messages.push_back(std::move(message));
    }
  }
  return messages;
}

inline http::request<http::string_body> make_http_request(http::verb verb, std::uint16_t port, std::string body,
                                                          const Headers& headers) {
  http::request<http::string_body> request{verb, "/mcp", 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (auto& [name, value] : headers) request.set(name, value);
  if (verb == http::verb::post) {
    if (request.find(http::field::content_type) == request.end())
      request.set(http::field::content_type, "application/json");
    if (request.find(http::field::accept) == request.end())
      request.set(http::field::accept, "application/json, text/event-stream");
  }
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

// One request, one response, on a fresh connection.
inline HttpResponse http_exchange(std::uint16_t port, http::verb verb, std::string body, const Headers& headers = {},
                                  std::chrono::seconds timeout = std::chrono::seconds(10)) {
  asio::io_context io;
  HttpResponse result;
  std::exception_ptr failure;
  bool done = false;
  auto request = make_http_request(verb, port, std::move(body), headers);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        beast::tcp_stream stream(co_await asio::this_coro::executor);
        co_await stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                      asio::use_awaitable);
        co_await http::async_write(stream, request, asio::use_awaitable);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
        auto& response = parser.get();
        result.status = response.result_int();
        for (auto& field : response) result.headers[lower(std::string(field.name_string()))] = std::string(field.value());
        result.body = response.body();
      },
      [&](std::exception_ptr error) {
        failure = error;
        done = true;
      });
  io.run_for(timeout);
  if (!done) throw std::runtime_error("HTTP exchange timed out");
  if (failure) std::rethrow_exception(failure);
  return result;
}

// A POST whose SSE answer is read incrementally (for server-to-client
// requests that need an answer before the stream can finish).
class SseRequest {
 public:
  SseRequest(std::uint16_t port, const json& message, const Headers& headers) : stream_(io_) {
    stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    auto request = make_http_request(http::verb::post, port, message.dump(), headers);
    http::write(stream_, request);
  }

  // Reads until a message satisfying `match` arrives; nullopt on timeout or close.
  template <class Match>
  std::optional<json> read_until(Match match, std::chrono::seconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      while (consumed_ < raw_.size()) {
        auto end = raw_.find('\n', consumed_);
        if (end == std::string::npos) break;
        std::string line = raw_.substr(consumed_, end - consumed_);
        consumed_ = end + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("data: ", 0) != 0 || line.size() <= 6) continue;
        auto message = json::parse(line.substr(6), nullptr, false);
        if (message.is_discarded()) continue;
        seen_.push_back(message);
        if (match(message)) return message;
      }
      auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero() || closed_) return std::nullopt;
      char chunk[4096];
      bool got = false;
      stream_.async_read_some(asio::buffer(chunk), [&](boost::system::error_code ec, std::size_t n) {
        got = true;
        if (ec) closed_ = true;
        raw_.append(chunk, n);
      });
      io_.restart();
      io_.run_for(std::chrono::duration_cast<std::chrono::milliseconds>(left));
      if (!got) {
        stream_.cancel();
        io_.restart();
        io_.run_for(std::chrono::milliseconds(100));
        return std::nullopt;
      }
    }
  }

  const std::string& raw() const { return raw_; }
  const std::vector<json>& seen() const { return seen_; }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  std::string raw_;
  std::size_t consumed_ = 0;
  bool closed_ = false;
  std::vector<json> seen_;
};

}  // namespace sample_test
