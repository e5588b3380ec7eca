#include "http_transport.hpp"

#include "event_stream.hpp"
#include "server.hpp"
#include "session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <map>

namespace legacy {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;

constexpr std::string_view kEndpoint = "/mcp";
constexpr std::string_view kSessionHeader = "Mcp-Session-Id";
constexpr std::string_view kProtocolVersionHeader = "MCP-Protocol-Version";
constexpr std::size_t kRecentPostStreams = 32;  // resumable POST streams kept per session

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

// "host:port", "[::1]:port" or "host" -> lower-case host part ("[::1]" keeps brackets).
std::string host_part(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    return close == std::string_view::npos ? std::string() : lowercase(authority.substr(0, close + 1));
  }
  return lowercase(authority.substr(0, authority.find(':')));
}

std::string random_session_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 15]);
  }
  return id;
}

bool accepts(const Request& request, std::string_view media_type) {
  std::string accept = lowercase(request[http::field::accept]);
  return accept.find(media_type) != std::string::npos || accept.find("*/*") != std::string::npos;
}

// Per-session HTTP state: the standalone GET stream and recent POST streams
// (kept so a client can resume one with Last-Event-ID).
struct SessionStreams {
  std::shared_ptr<EventStream> standalone;
  std::deque<std::shared_ptr<EventStream>> recent_posts;
  std::uint64_t next_stream_number = 1;
};

}  // namespace

class HttpTransport::Impl : public std::enable_shared_from_this<HttpTransport::Impl> {
 public:
  Impl(asio::io_context& io, Server& server, HttpOptions options)
      : io_(io), server_(server), options_(std::move(options)), acceptor_(io), sweeper_(io) {
    for (auto& host : {"localhost", "127.0.0.1", "[::1]"}) allowed_hosts_.push_back(host);
    for (auto& host : options_.allowed_hosts) allowed_hosts_.push_back(lowercase(host));
  }

  std::uint16_t start() {
    tcp::endpoint endpoint(asio::ip::make_address(options_.bind_address), options_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(io_, accept_loop(shared_from_this()), asio::detached);
    asio::co_spawn(io_, sweep_loop(shared_from_this()), asio::detached);
    return acceptor_.local_endpoint().port();
  }

  void stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    sweeper_.cancel();
    server_.close_all_sessions();
    for (auto& [id, streams] : streams_) finish_all(streams);
    streams_.clear();
  }

 private:
  asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    while (acceptor_.is_open()) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      asio::co_spawn(io_, serve_connection(self, beast::tcp_stream(std::move(socket))), asio::detached);
    }
  }

  // Ends sessions nobody used for a while (their SSE buffers with them).
  asio::awaitable<void> sweep_loop(std::shared_ptr<Impl> self) {
    for (;;) {
      sweeper_.expires_after(std::chrono::seconds(30));
      boost::system::error_code ec;
      co_await sweeper_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !acceptor_.is_open()) co_return;
      if (auto n = server_.expire_idle_sessions(options_.session_idle_timeout))
        spdlog::info("expired {} idle session(s)", n);
      for (auto it = streams_.begin(); it != streams_.end();) {
        if (server_.find_session(it->first)) {
          ++it;
        } else {
          finish_all(it->second);
          it = streams_.erase(it);
        }
      }
    }
  }

  asio::awaitable<void> serve_connection(std::shared_ptr<Impl> self, beast::tcp_stream stream) {
    struct ConnectionCount {
      std::size_t& count;
      explicit ConnectionCount(std::size_t& c) : count(++c) {}
      ~ConnectionCount() { --count; }
    } guard(connections_);
    beast::flat_buffer buffer;
    bool over_limit = connections_ > options_.max_connections;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
      parser.body_limit(options_.max_body_bytes);
      stream.expires_after(options_.read_timeout);
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::body_limit) {
        co_await write_error(stream, 11, http::status::payload_too_large, nullptr, error_code::kInvalidRequest,
                             "Request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes", false);
        break;
      }
      if (ec == http::error::header_limit) {
        co_await write_error(stream, 11, http::status::request_header_fields_too_large, nullptr,
                             error_code::kInvalidRequest, "Request headers too large", false);
        break;
      }
      if (ec) break;  // closed, timed out or unparseable: nothing useful to answer
      Request request = parser.release();
      if (over_limit) {
        co_await write_error(stream, request.version(), http::status::service_unavailable, nullptr,
                             error_code::kInternalError, "Too many connections", false);
        break;
      }
      bool keep_alive = co_await handle(stream, request);
      if (!keep_alive || !request.keep_alive()) break;
    }
    co_await lingering_close(stream);
  }

  // A client may still be sending a body we refused (413); closing with unread
  // input makes the kernel send RST and the client can lose our answer. Stop
  // sending, drain for a short, bounded while, then close.
  static asio::awaitable<void> lingering_close(beast::tcp_stream& stream) {
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    stream.expires_after(std::chrono::seconds(1));
    std::array<char, 16 * 1024> discard;
    for (std::size_t drained = 0; drained < 8 * 1024 * 1024;) {
      drained += co_await stream.async_read_some(asio::buffer(discard), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
  }

  // Returns whether the connection may be reused.
  asio::awaitable<bool> handle(beast::tcp_stream& stream, Request& request) {
    const unsigned version = request.version();
    std::string_view target = request.target();
    target = target.substr(0, target.find('?'));
    if (auto problem = dns_rebinding_problem(request)) {
      spdlog::warn("rejected {} {}: {}", std::string(request.method_string()), std::string(target), *problem);
      co_return co_await write_error(stream, version, http::status::forbidden, nullptr, error_code::kInvalidRequest,
                                     *problem, true);
    }
    if (target != kEndpoint)
      co_return co_await write_error(stream, version, http::status::not_found, nullptr, error_code::kInvalidRequest,
                                     "Not found; the MCP endpoint is /mcp", true);
    switch (request.method()) {
      case http::verb::post:
        co_return co_await handle_post(stream, request);
      case http::verb::get:
        co_return co_await handle_get(stream, request);
      case http::verb::delete_:
        co_return co_await handle_delete(stream, request);
      default: {
        http::response<http::string_body> response{http::status::method_not_allowed, version};
        response.set(http::field::allow, "GET, POST, DELETE");
        co_return co_await write(stream, response, true);
      }
    }
  }

  // MUST validate Origin (and we also check Host) so a web page on another
  // origin cannot reach this localhost server through DNS rebinding.
  std::optional<std::string> dns_rebinding_problem(const Request& request) const {
    std::string host = host_part(trim(request[http::field::host]));
    if (std::find(allowed_hosts_.begin(), allowed_hosts_.end(), host) == allowed_hosts_.end())
      return "Host header not allowed: " + host.substr(0, 128);
    auto origin_field = request.find(http::field::origin);
    if (origin_field == request.end()) return std::nullopt;
    std::string origin = trim(origin_field->value());
    if (std::find(options_.allowed_origins.begin(), options_.allowed_origins.end(), origin) !=
        options_.allowed_origins.end())
      return std::nullopt;
    auto scheme_end = origin.find("://");
    std::string scheme = scheme_end == std::string::npos ? "" : lowercase(origin.substr(0, scheme_end));
    if (scheme == "http" || scheme == "https") {
      std::string origin_host = host_part(std::string_view(origin).substr(scheme_end + 3));
      if (std::find(allowed_hosts_.begin(), allowed_hosts_.end(), origin_host) != allowed_hosts_.end())
        return std::nullopt;
    }
    return "Origin not allowed: " + origin.substr(0, 128);
  }

  // Finds the session named by Mcp-Session-Id, or writes the 400/404 answer.
  asio::awaitable<std::shared_ptr<Session>> require_session(beast::tcp_stream& stream, const Request& request,
                                                             const json& id, bool& keep_alive) {
    auto field = request.find(kSessionHeader);
    if (field == request.end()) {
      keep_alive = co_await write_error(stream, request.version(), http::status::bad_request, id,
                                        error_code::kInvalidRequest, "Bad Request: Mcp-Session-Id header is required",
                                        true);
      co_return nullptr;
    }
    auto session = server_.find_session(std::string(field->value()));
    if (!session) {
      keep_alive = co_await write_error(stream, request.version(), http::status::not_found, id,
                                        error_code::kInvalidRequest, "Session not found", true);
      co_return nullptr;
    }
    if (auto version = request.find(kProtocolVersionHeader); version != request.end()) {
      if (!is_supported_protocol_version(trim(version->value()))) {
        keep_alive = co_await write_error(
            stream, request.version(), http::status::bad_request, id, error_code::kInvalidRequest,
            "Bad Request: unsupported MCP-Protocol-Version " + std::string(version->value()).substr(0, 64), true);
        co_return nullptr;
      }
    }
    co_return session;
  }

  asio::awaitable<bool> handle_post(beast::tcp_stream& stream, Request& request) {
    const unsigned version = request.version();
    if (!accepts(request, "application/json") || !accepts(request, "text/event-stream"))
      co_return co_await write_error(stream, version, http::status::not_acceptable, nullptr,
                                     error_code::kInvalidRequest,
                                     "Not Acceptable: Accept must list application/json and text/event-stream", true);
    if (lowercase(request[http::field::content_type]).rfind("application/json", 0) != 0)
      co_return co_await write_error(stream, version, http::status::unsupported_media_type, nullptr,
                                     error_code::kInvalidRequest, "Content-Type must be application/json", true);
    auto parsed = parse_message(request.body());
    if (!parsed)
      co_return co_await write_error(stream, version, http::status::bad_request, nullptr, error_code::kParseError,
                                     "Parse error", true);
    json message = std::move(*parsed);
    if (message.is_array())
      co_return co_await write_error(stream, version, http::status::bad_request, nullptr,
                                     error_code::kInvalidRequest, "JSON-RPC batches are not supported", true);
    MessageKind kind = classify_message(message);
    json id = kind == MessageKind::kRequest ? message["id"] : json(nullptr);
    if (kind == MessageKind::kInvalid)
      co_return co_await write_error(stream, version, http::status::bad_request, nullptr,
                                     error_code::kInvalidRequest, "Invalid JSON-RPC message", true);

    if (kind == MessageKind::kRequest && message["method"] == method::kInitialize)
      co_return co_await handle_initialize(stream, request, std::move(message));

    bool keep_alive = true;
    auto session = co_await require_session(stream, request, id, keep_alive);
    if (!session) co_return keep_alive;
    if (kind != MessageKind::kRequest) {
      // Notifications and the client's responses to our requests.
      session->receive(std::move(message), nullptr);
      http::response<http::string_body> accepted{http::status::accepted, version};
      co_return co_await write(stream, accepted, true);
    }
    auto& streams = streams_[session->id()];
    auto post_stream = new_post_stream(streams);
    bool wants_progress = false;  // read without operator[], which would insert keys
    if (auto params = message.find("params"); params != message.end() && params->is_object())
      if (auto meta = params->find("_meta"); meta != params->end() && meta->is_object())
        wants_progress = meta->contains("progressToken");
    session->receive(std::move(message), post_stream);
    co_return co_await answer_post(stream, version, *post_stream, session->id(), wants_progress,
                                   session->protocol_version());
  }

  asio::awaitable<bool> handle_initialize(beast::tcp_stream& stream, const Request& request, json message) {
    const unsigned version = request.version();
    auto session = std::make_shared<Session>(io_.get_executor(), server_, random_session_id());
    if (!server_.add_session(session))
      co_return co_await write_error(stream, version, http::status::service_unavailable, message["id"],
                                     error_code::kInternalError, "Too many sessions; try again later", true);
    auto& streams = streams_[session->id()];
    streams.standalone = std::make_shared<EventStream>(io_.get_executor(), "g", options_.max_events_per_stream);
    session->set_standalone_stream(streams.standalone);
    auto post_stream = new_post_stream(streams);
    session->receive(std::move(message), post_stream);
    while (!post_stream->finished()) co_await post_stream->wait(std::chrono::seconds(5));
    // Only a successful handshake creates a session.
    bool ok = !post_stream->events().empty() &&
              post_stream->events().back().data.find("\"result\"") != std::string::npos;
    if (!ok) {
      server_.remove_session(session->id());
      streams_.erase(session->id());
    } else {
      spdlog::info("session {} created ({} active)", session->id(), server_.session_count());
    }
    http::response<http::string_body> response{http::status::ok, version};
    response.set(http::field::content_type, "application/json");
    if (ok) response.set(kSessionHeader, session->id());
    response.body() = post_stream->events().empty() ? "{}" : post_stream->events().back().data;
    co_return co_await write(stream, response, true);
  }

  static void finish_all(SessionStreams& streams) {
    if (streams.standalone) streams.standalone->finish();
    for (auto& post : streams.recent_posts) post->finish();
  }

  std::shared_ptr<EventStream> new_post_stream(SessionStreams& streams) {
    auto post_stream = std::make_shared<EventStream>(
        io_.get_executor(), "p" + std::to_string(streams.next_stream_number++), options_.max_events_per_stream);
    streams.recent_posts.push_back(post_stream);
    if (streams.recent_posts.size() > kRecentPostStreams) streams.recent_posts.pop_front();
    return post_stream;
  }

  // One JSON body when the request produced nothing but its response;
  // otherwise (progress, logs, server-to-client requests, SEP-1699 close)
  // an SSE stream carrying everything in order.
  asio::awaitable<bool> answer_post(beast::tcp_stream& stream, unsigned version, EventStream& events,
                                    const std::string& session_id, bool wants_sse, const std::string& protocol) {
    while (!events.finished() && events.events().empty() && !events.close_requested())
      co_await events.wait(std::chrono::seconds(5));
    if (!wants_sse && events.finished() && events.events().size() == 1) {
      http::response<http::string_body> response{http::status::ok, version};
      response.set(http::field::content_type, "application/json");
      response.set(kSessionHeader, session_id);
      response.body() = events.events().front().data;
      co_return co_await write(stream, response, true);
    }
    // Priming event (SEP-1699) only for clients on 2025-11-25 that know it.
    bool priming = protocol == kLatestProtocolVersion;
    co_return co_await stream_events(stream, version, events, session_id, 1, priming);
  }

  asio::awaitable<bool> handle_get(beast::tcp_stream& stream, Request& request) {
    const unsigned version = request.version();
    if (!accepts(request, "text/event-stream"))
      co_return co_await write_error(stream, version, http::status::not_acceptable, nullptr,
                                     error_code::kInvalidRequest, "Not Acceptable: Accept must list text/event-stream",
                                     true);
    bool keep_alive = true;
    auto session = co_await require_session(stream, request, nullptr, keep_alive);
    if (!session) co_return keep_alive;
    auto& streams = streams_[session->id()];
    std::shared_ptr<EventStream> target = streams.standalone;
    std::uint64_t cursor = target ? target->delivered_up_to() : 1;
    if (auto last = request.find("Last-Event-ID"); last != request.end()) {
      if (auto parsed = EventStream::parse_event_id(trim(last->value()))) {
        auto& [stream_id, seq] = *parsed;
        for (auto& post : streams.recent_posts)
          if (post->id() == stream_id) target = post;
        if (target && target->id() == stream_id) cursor = seq + 1;
      }
    }
    if (!target)
      co_return co_await write_error(stream, version, http::status::not_found, nullptr, error_code::kInvalidRequest,
                                     "No stream for this session", true);
    if (target->writer_attached())
      co_return co_await write_error(stream, version, http::status::conflict, nullptr, error_code::kInvalidRequest,
                                     "Conflict: this stream already has a reader", true);
    spdlog::debug("session {}: GET stream {} from event {}", session->id(), target->id(), cursor);
    co_return co_await stream_events(stream, version, *target, session->id(), cursor, false);
  }

  asio::awaitable<bool> handle_delete(beast::tcp_stream& stream, Request& request) {
    bool keep_alive = true;
    auto session = co_await require_session(stream, request, nullptr, keep_alive);
    if (!session) co_return keep_alive;
    server_.remove_session(session->id());
    if (auto it = streams_.find(session->id()); it != streams_.end()) {
      finish_all(it->second);  // open GET streams end with the session
      streams_.erase(it);
    }
    http::response<http::string_body> response{http::status::ok, request.version()};
    co_return co_await write(stream, response, true);
  }

  // Writes events from `cursor` on as SSE until the stream finishes, the
  // request asks to close it (SEP-1699), or the client goes away.
  asio::awaitable<bool> stream_events(beast::tcp_stream& stream, unsigned version, EventStream& events,
                                      const std::string& session_id, std::uint64_t cursor, bool priming) {
    events.set_writer_attached(true);
    struct Detach {
      EventStream& events;
      ~Detach() { events.set_writer_attached(false); }
    } detach{events};

    http::response<http::empty_body> header{http::status::ok, version};
    header.set(http::field::content_type, "text/event-stream");
    header.set(http::field::cache_control, "no-cache");
    header.set("X-Accel-Buffering", "no");
    header.set(kSessionHeader, session_id);
    header.chunked(true);
    http::response_serializer<http::empty_body> serializer{header};
    boost::system::error_code ec;
    stream.expires_after(options_.write_timeout);
    co_await http::async_write_header(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    if (priming) {
      // Tells the client where to resume and how long to wait before polling.
      if (!co_await write_chunk(stream, "id: " + events.event_id(0) + "\nretry: 1000\ndata: \n\n")) co_return false;
    }
    for (;;) {
      if (cursor < events.first_held_seq()) {
        spdlog::warn("stream {}: reader fell behind, events {}..{} were dropped", events.id(), cursor,
                     events.first_held_seq() - 1);
        cursor = events.first_held_seq();
      }
      std::string batch;
      for (const auto& event : events.events()) {
        if (event.seq < cursor) continue;
        batch += "id: " + events.event_id(event.seq) + "\nevent: message\ndata: " + event.data + "\n\n";
        cursor = event.seq + 1;
      }
      if (!batch.empty()) {
        if (!co_await write_chunk(stream, batch)) co_return false;
        events.mark_delivered(cursor);
      }
      if (events.finished() && cursor >= events.next_seq()) break;
      if (events.close_requested()) {
        events.clear_close_request();
        break;
      }
      std::uint64_t before = events.next_seq();
      co_await events.wait(options_.keepalive_interval);
      if (events.next_seq() == before && !events.finished() && !events.close_requested()) {
        if (!co_await write_chunk(stream, ": keep-alive\n\n")) co_return false;
      }
    }
    stream.expires_after(options_.write_timeout);
    co_await asio::async_write(stream, http::make_chunk_last(), asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }

  asio::awaitable<bool> write_chunk(beast::tcp_stream& stream, const std::string& text) {
    boost::system::error_code ec;
    stream.expires_after(options_.write_timeout);
    co_await asio::async_write(stream, http::make_chunk(asio::buffer(text)),
                               asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }

  template <class Body>
  asio::awaitable<bool> write(beast::tcp_stream& stream, http::response<Body>& response, bool keep_alive) {
    response.set(http::field::server, "mcp-legacy-sample");
    response.keep_alive(keep_alive);
    response.prepare_payload();
    boost::system::error_code ec;
    stream.expires_after(options_.write_timeout);
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec && keep_alive;
  }

  asio::awaitable<bool> write_error(beast::tcp_stream& stream, unsigned version, http::status status, const json& id,
                                    int code, const std::string& message, bool keep_alive) {
    http::response<http::string_body> response{status, version};
    response.set(http::field::content_type, "application/json");
    response.body() = to_wire(make_error_response(id, code, message));
    co_return co_await write(stream, response, keep_alive);
  }

  asio::io_context& io_;
  Server& server_;
  HttpOptions options_;
  tcp::acceptor acceptor_;
  asio::steady_timer sweeper_;
  std::vector<std::string> allowed_hosts_;
  std::size_t connections_ = 0;
  std::map<std::string, SessionStreams> streams_;
};

HttpTransport::HttpTransport(asio::io_context& io, Server& server, HttpOptions options)
    : impl_(std::make_shared<Impl>(io, server, std::move(options))) {}
HttpTransport::~HttpTransport() = default;
std::uint16_t HttpTransport::start() { return impl_->start(); }
void HttpTransport::stop() { impl_->stop(); }

}  // namespace legacy
