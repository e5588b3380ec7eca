#include "downstream/http_connection.hpp"
#include "downstream/use_tuple.hpp"

#include <array>
#include <optional>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "bridge/mrtr_forward.hpp"
#include "bridge/peer_forwarder.hpp"
#include "observe/request_observation.hpp"
#include "translate/protocol.hpp"
#include "translate/wire_text.hpp"
#include "upstream/lazy_buffer_channel.hpp"

namespace mcp::downstream {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace asio::experimental::awaitable_operators;
using asio::use_awaitable;

namespace {

// Carries a notification, null once the bridge's reply is ready, or a
// discarded value: time for a keep-alive comment.
// One per request, nearly always empty: a list buffer allocates nothing until
// a notification is queued (the default deque allocated twice up front).
using NotificationChannel = upstream::LazyBufferChannel<void(boost::system::error_code, json)>;

std::string sse_event(const json& message) { return "event: message\ndata: " + translate::to_wire(message) + "\n\n"; }

// An SSE comment line: clients ignore it; it keeps idle connections alive.
constexpr std::string_view kSseKeepAlive = ": keep-alive\n\n";

// The keep-alive ticker's state, shared by the ticker and the request that
// stops it. Both run on the connection's strand.
struct Ticker {
  explicit Ticker(asio::any_io_executor ex) : timer(std::move(ex)) {}
  asio::steady_timer timer;
  bool stopped = false;
};

// Queues a keep-alive tick every `interval` until the request stops it. Ticks
// go through the notification channel so the writer stays the only one
// writing; a full queue skips a tick. Started only once a response streams (a
// JSON reply needs none), so a plain request pays for no timer and no extra
// coroutines; stopping ends it without an exception. The flag, not only the
// timer's cancellation: a wait that had already completed (its handler queued
// on the strand) when the request ended is not cancelled, and would re-arm
// the timer forever, keeping the io_context (and a graceful shutdown) alive.
asio::awaitable<void> keepalive_ticker(std::shared_ptr<NotificationChannel> channel, std::shared_ptr<Ticker> ticker,
                                       std::chrono::milliseconds interval) {
  while (!ticker->stopped) {
    ticker->timer.expires_after(interval);
    auto [ec] = co_await ticker->timer.async_wait(use_tuple);
    if (ec || ticker->stopped) co_return;
    (void)channel->try_send(boost::system::error_code{}, json(json::value_t::discarded));
  }
}

// Stops the keep-alive ticker however the request ends (also by an exception).
struct TickerStop {
  std::shared_ptr<Ticker> ticker;
  ~TickerStop() {
    if (!ticker) return;
    ticker->stopped = true;
    ticker->timer.cancel();
  }
};

}  // namespace

template <class Stream>
Stream HttpConnection<Stream>::make_stream(asio::ip::tcp::socket socket, asio::ssl::context* tls) {
  if constexpr (kTls)
    return Stream(beast::tcp_stream(std::move(socket)), *tls);
  else
    return Stream(std::move(socket));
}

template <class Stream>
HttpConnection<Stream>::HttpConnection(asio::ip::tcp::socket socket, std::shared_ptr<ServerContext> ctx,
                                       std::shared_ptr<asio::ssl::context> tls)
    : tls_(std::move(tls)),
      stream_(make_stream(std::move(socket), tls_.get())),
      ctx_(std::move(ctx)),
      deadline_(std::make_shared<Deadline>(stream_.get_executor())),
      watch_ended_(stream_.get_executor(), 1) {
  // Bytes read but not parsed yet: a header section, chunk-size lines, or a
  // pipelined request (watch_for_disconnect). Beast waits for the end of a
  // chunk-size line without a bound of its own; past this the read fails.
  buffer_.max_size(ctx_->options.max_header_bytes + ctx_->options.max_body_bytes + 4096);
  boost::system::error_code ec;
  auto ep = tcp().socket().remote_endpoint(ec);
  peer_ = ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

template <class Stream>
void HttpConnection<Stream>::close_if_idle() {
  asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
    // Not idle if the next request already arrived (its wait may not have
    // completed yet): it is answered, with Connection: close (serve_one).
    // The error_code overload: the connection may have closed its socket
    // meanwhile (the client left), and the throwing one would end the
    // process from inside io_context::run (seen under TSan's timing).
    boost::system::error_code ec;
    if (self->idle_ && !self->request_waiting()) self->tcp().socket().cancel(ec);
  });
}

template <class Stream>
bool HttpConnection<Stream>::request_waiting() {
  boost::system::error_code ec;
  return buffer_.size() > 0 || tcp().socket().available(ec) > 0;
}

template <class Stream>
void HttpConnection<Stream>::force_close() {
  asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
    boost::system::error_code ec;
    self->tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    self->tcp().socket().close(ec);
  });
}

template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::run() {
  auto self = this->shared_from_this();
  spdlog::debug("http {}: connected", peer_);
  try {
    if (co_await handshake()) {
      while (keep_open_) {
        if (!co_await serve_one()) break;
      }
    }
  } catch (const std::exception& e) {
    spdlog::debug("http {}: connection ended: {}", peer_, e.what());
  }
  deadline_->stop();
  co_await lingering_close();
  spdlog::debug("http {}: closed", peer_);
}

// TLS: the handshake, within the time a request may take to arrive. A client
// speaking plain HTTP, or without an acceptable certificate under mTLS, ends
// here; only its own connection closes.
template <class Stream>
asio::awaitable<bool> HttpConnection<Stream>::handshake() {
  if constexpr (kTls) {
    deadline_->expires_after(ctx_->options.request_read_timeout);
    auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, deadline_->bind(use_tuple));
    if (ec && deadline_->expired()) ec = beast::error::timeout;
    deadline_->expires_never();
    if (ec) {
      spdlog::info("http {}: TLS handshake failed: {}", peer_, ec.message());
      co_return false;
    }
    handshaken_ = true;
  }
  co_return true;
}

// TLS: send close_notify and give the client a short while to answer with
// its own. Waiting for it is not required (RFC 8446 §6.1) and many clients
// just close, so the bound is short; the TCP drain that follows (lingering
// close) still absorbs a late answer.
template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::tls_close_notify() {
  if constexpr (kTls) {
    if (!handshaken_ || !tcp().socket().is_open()) co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(250));
    co_await (stream_.async_shutdown(use_tuple) || timer.async_wait(use_tuple));
  }
  co_return;  // keeps the plain instantiation a coroutine
}

// Lingering close: a client may still be sending a body we refused (413,
// 431, 408...). Closing with unread input makes the kernel send RST, and the
// client can lose our answer; so stop sending, drain what arrives for a short,
// bounded while, then close. The bound is time, not bytes (nginx's
// lingering_time): a byte bound (it was 8 MiB) passes in milliseconds on
// loopback, and a client still busy writing had not read our 4xx when the RST
// came (fault suite `endless_chunk_size_line`, under load).
template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::lingering_close() {
  co_await tls_close_notify();
  boost::system::error_code ec;
  tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (!ec) {
    tcp().expires_after(std::chrono::seconds(1));
    std::array<char, 16 * 1024> discard;
    while (!ec)  // until EOF from the client, the time bound, or an error
      co_await tcp().async_read_some(asio::buffer(discard), asio::redirect_error(asio::use_awaitable, ec));
  }
  tcp().socket().close(ec);
}

// Reads and answers one request; false when the connection must close.
template <class Stream>
asio::awaitable<bool> HttpConnection<Stream>::serve_one() {
  const auto& opt = ctx_->options;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
  parser.body_limit(opt.max_body_bytes);

  // Idle: a kept-alive connection waiting for its next request is closed
  // silently after the idle timeout (or at once by close_if_idle()).
  idle_ = true;
  // Shutting down: a request that already arrived (pipelined, or sent after
  // a response that said keep-alive) is still answered; otherwise close.
  if (ctx_->stopping.load() && !request_waiting()) co_return false;
  if (buffer_.size() == 0) {
    // A read, not a wait for the socket to be readable: with TLS, a next
    // request may already sit decrypted-to-be in the TLS layer's buffer.
    deadline_->expires_after(opt.idle_timeout);
    auto [read_ec, n] = co_await stream_.async_read_some(buffer_.prepare(4096), deadline_->bind(use_tuple));
    buffer_.commit(n);
    if (read_ec) co_return false;  // the client left, the idle timeout, or close_if_idle()
  }
  idle_ = false;
  // Then the whole request (headers and body) within the read timeout: a slow
  // sender (slowloris) gets 408 instead of holding the connection.
  deadline_->expires_after(opt.request_read_timeout);
  auto [ec, header_bytes] = co_await http::async_read_header(stream_, buffer_, parser, deadline_->bind(use_tuple));
  // Beast checks its header limit per parse window, not against the whole
  // section (with 1024, a 1250-byte section passed); --max-header-bytes bounds
  // the section, request line to blank line: what the parser consumed.
  if (!ec && header_bytes > opt.max_header_bytes) ec = http::error::header_limit;
  if (!ec && beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    // curl sends this for bodies over 1 KiB and would otherwise wait a second.
    http::response<http::empty_body> cont{http::status::continue_, parser.get().version()};
    tcp().expires_after(opt.write_timeout);
    co_await http::async_write(stream_, cont, use_awaitable);
    tcp().expires_never();
  }
  if (!ec && !deadline_->expired()) {  // (the deadline may have passed during the 100 Continue)
    auto [body_ec, body_bytes] = co_await http::async_read(stream_, buffer_, parser, deadline_->bind(use_tuple));
    ec = body_ec;
  }
  if (deadline_->expired() && (ec || !parser.is_done())) ec = beast::error::timeout;
  deadline_->expires_never();
  if (ec) {
    bool got_some = parser.got_some() || buffer_.size() > 0;
    if (auto r = rejection_for_read_error(ec, got_some)) {
      spdlog::info("http {}: rejected request: {} ({})", peer_, r->status, ec.message());
      unsigned version = parser.is_header_done() ? parser.get().version() : 11;
      co_await write_rejection(*r, version, /*keep_alive=*/false);
    }
    co_return false;
  }

  const HttpRequest& req = parser.get();
  observe::metrics().received_bytes.inc(req.body().size());
  bool keep_alive = req.keep_alive() && !ctx_->stopping.load();
  auto routed = route(req);
  if (auto* rej = std::get_if<Rejection>(&routed)) {
    spdlog::debug("http {}: {} {} -> {}", peer_, std::string(req.method_string()), std::string(req.target()),
                  rej->status);
    co_await write_rejection(*rej, req.version(), keep_alive);
  } else if (std::get<Endpoint>(routed) == Endpoint::Healthz) {
    co_await serve_healthz(req, keep_alive);
  } else if (std::get<Endpoint>(routed) == Endpoint::ResourceMetadata) {
    co_await serve_resource_metadata(req, keep_alive);
  } else {
    co_await serve_mcp(req, keep_alive);
  }
  co_return keep_alive && keep_open_;
}

template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::serve_healthz(const HttpRequest& req, bool keep_alive) {
  bool healthy = ctx_->bridge->upstream_healthy();
  json body = healthy ? json{{"status", "ok"}} : json{{"status", "unavailable"}, {"reason", "upstream not reachable"}};
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> res{healthy ? http::status::ok : http::status::service_unavailable,
                                         req.version()};
    res.keep_alive(keep_alive);
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    tcp().expires_after(ctx_->options.write_timeout);
    co_await http::async_write(stream_, res, use_awaitable);
    tcp().expires_never();
    co_return;
  }
  co_await write_json(healthy ? 200 : 503, body, req.version(), keep_alive);
}

// Protected Resource Metadata (passthrough authorization): public, so no
// Origin/Host check; HEAD gets the status alone.
template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::serve_resource_metadata(const HttpRequest& req, bool keep_alive) {
  if (!ctx_->options.resource_metadata) {
    // Built before the co_await: GCC 12 rejects an initializer list inside one ("array used as initializer").
    Rejection not_found{404, json{{"error", "not_found"}, {"error_description", "no protected resource metadata here"}}, {}};
    co_return co_await write_rejection(not_found, req.version(), keep_alive);
  }
  bridge::Reply reply = co_await ctx_->options.resource_metadata();
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> res{static_cast<http::status>(reply.http_status), req.version()};
    res.keep_alive(keep_alive);
    res.set(http::field::content_type, "application/json");
    tcp().expires_after(ctx_->options.write_timeout);
    co_await http::async_write(stream_, res, use_awaitable);
    tcp().expires_never();
    co_return;
  }
  co_await write_json(reply.http_status, reply.body, req.version(), keep_alive);
}

template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::serve_mcp(const HttpRequest& req, bool keep_alive) {
  // Metrics and the access log line of this request (cancelled if never finished).
  observe::RequestObservation observed("http", ctx_->options.access_log);
  auto reject = [&](const Rejection& r) {
    observed.finish(observe::Outcome::Rejected, r.status);
    return write_rejection(r, req.version(), keep_alive);
  };
  if (auto r = check_origin_and_host(req, ctx_->options.access)) {
    spdlog::warn("http {}: 403 Host '{}' Origin '{}'", peer_, std::string(req[http::field::host]),
                 std::string(req[http::field::origin]));
    co_return co_await reject(*r);
  }
  if (auto r = check_content_negotiation(req)) co_return co_await reject(*r);
  auto parsed = parse_body(req.body());
  if (auto* r = std::get_if<Rejection>(&parsed)) co_return co_await reject(*r);
  json& message = std::get<json>(parsed);
  observed.begin(message, req["traceparent"]);
  if (auto r = check_standard_headers(req, message)) {
    spdlog::debug("http {}: 400 header mismatch: {}", peer_, r->body.dump());
    co_return co_await reject(*r);
  }

  const std::string method = message.is_object() && message.contains("method") && message["method"].is_string()
                                 ? message["method"].get<std::string>()
                                 : std::string("?");
  auto started = std::chrono::steady_clock::now();
  auto ex = co_await asio::this_coro::executor;

  // Notifications from the bridge arrive on other threads: a bounded channel
  // hands them to this strand; a full queue drops (never blocks the caller).
  auto channel = std::make_shared<NotificationChannel>(ex, ctx_->options.max_queued_notifications);
  auto finished = std::make_shared<std::atomic<bool>>(false);
  bridge::NotificationSink sink = [channel, finished, peer = peer_](json notification) {
    if (finished->load() || notification.is_null()) return;
    if (!channel->try_send(boost::system::error_code{}, std::move(notification)))
      spdlog::warn("http {}: notification queue full or closed, notification dropped", peer);
  };

  std::optional<bridge::Reply> reply;
  bool streamed = false;
  // The final response is being written. A client that closes as soon as it
  // has read it can win the race with the write's completion (which then
  // reports a cancellation): the request was answered all the same.
  bool answering = false;

  auto call = [&]() -> asio::awaitable<void> {
    auto downstream_request = collect_request(req, std::move(message));
    downstream_request.upstream_session = observed.session_slot();
    if (ctx_->options.authenticate) {  // resource-server mode: the validated principal replaces the token
      auto verdict = co_await ctx_->options.authenticate(downstream_request.authorization, downstream_request.message);
      if (auto* refused = std::get_if<bridge::Reply>(&verdict))
        reply = std::move(*refused);
      else
        downstream_request.authorization = std::get<std::string>(std::move(verdict));
    }
    if (!reply) reply = co_await call_bridge(std::move(downstream_request), sink);
    finished->store(true);
  };
  const auto keepalive = ctx_->options.sse_keepalive_interval;
  TickerStop ticker;  // SSE keep-alives, once the response streams

  // Writes what arrives from the call until it has ended (null): notifications
  // (the first switches the response to SSE) and keep-alive ticks. Once the
  // client is gone, only drains.
  std::optional<http::response<http::empty_body>> head;
  std::optional<http::response_serializer<http::empty_body>> serializer;
  auto relay_notifications = [&]() -> asio::awaitable<void> {
    for (;;) {
      json item = co_await channel->async_receive(use_awaitable);
      if (item.is_null()) break;
      if (client_gone_) continue;
      if (item.is_discarded()) {  // keep-alive tick: only once streaming (a JSON reply needs none)
        if (!streamed) continue;
        tcp().expires_after(ctx_->options.write_timeout);
        co_await asio::async_write(stream_, http::make_chunk(asio::buffer(kSseKeepAlive)), use_awaitable);
        tcp().expires_never();
        continue;
      }
      if (!streamed) {  // first notification: switch this response to SSE
        head.emplace(http::status::ok, req.version());
        head->set(http::field::content_type, "text/event-stream");
        head->set(http::field::cache_control, "no-cache");
        head->set("X-Accel-Buffering", "no");
        head->keep_alive(keep_alive);
        head->chunked(true);
        serializer.emplace(*head);
        tcp().expires_after(ctx_->options.write_timeout);
        co_await http::async_write_header(stream_, *serializer, use_awaitable);
        streamed = true;
        if (keepalive.count() > 0) {  // on this strand, like the rest of the request
          ticker.ticker = std::make_shared<Ticker>(ex);
          asio::co_spawn(ex, keepalive_ticker(channel, ticker.ticker, keepalive), asio::detached);
        }
      }
      auto event = sse_event(item);
      observe::metrics().sent_bytes.inc(event.size());
      tcp().expires_after(ctx_->options.write_timeout);
      co_await asio::async_write(stream_, http::make_chunk(asio::buffer(event)), use_awaitable);
      tcp().expires_never();
    }
  };

  // The bridge's reply: the end of the SSE stream, a JSON body, or an empty 202.
  auto answer = [&]() -> asio::awaitable<void> {
    if (!streamed && !reply->forward_to.empty() && ctx_->options.forwarder) {
      // A retry of a parked exchange another replica owns: its response comes from there
      // (and is counted there).
      answering = true;
      co_return co_await forward_to_owner(req, *reply, keep_alive);
    }
    answering = true;
    if (streamed) {
      auto event = sse_event(reply->body);
      observe::metrics().sent_bytes.inc(event.size());
      tcp().expires_after(ctx_->options.write_timeout);
      co_await asio::async_write(stream_, http::make_chunk(asio::buffer(event)), use_awaitable);
      co_await asio::async_write(stream_, http::make_chunk_last(), use_awaitable);
      tcp().expires_never();
    } else if (reply->http_status == 202 || reply->body.is_null()) {
      http::response<http::empty_body> res{static_cast<http::status>(reply->http_status), req.version()};
      res.keep_alive(keep_alive);
      res.prepare_payload();
      tcp().expires_after(ctx_->options.write_timeout);
      co_await http::async_write(stream_, res, use_awaitable);
      tcp().expires_never();
    } else {
      co_await write_json(reply->http_status, reply->body, req.version(), keep_alive, reply->www_authenticate);
    }
  };

  // The call runs beside this coroutine (a spawn whose completion hands over
  // "ended", after everything the call queued); a read on the socket meanwhile
  // notices a client that goes away and cancels the call (watch_for_disconnect).
  // One spawn per request: `(call && consume) || watch` took four and two
  // parallel groups, which showed in the profile.
  client_gone_ = false;
  watch_for_disconnect();
  // What the call threw, if it did. A local is safe: this frame always waits
  // for the "ended" the completion handler sends after setting it.
  std::exception_ptr call_error;
  asio::co_spawn(ex, call(),
                 asio::bind_cancellation_slot(call_cancel_.slot(), [channel, &call_error](std::exception_ptr e) {
                   call_error = e;
                   channel->async_send(boost::system::error_code{}, json(nullptr), asio::detached);  // "ended"
                 }));
  bool call_ended = false;
  std::exception_ptr write_error;
  try {
    co_await relay_notifications();
    call_ended = true;
    if (reply && !client_gone_) co_await answer();
  } catch (...) {  // a write failed (or was cancelled because the client left)
    write_error = std::current_exception();
  }
  if (!call_ended) {  // the call must end before this frame (its locals) goes
    call_cancel_.emit(asio::cancellation_type::all);
    for (;;) {
      auto [ec, item] = co_await channel->async_receive(use_tuple);
      if (ec || item.is_null()) break;
    }
  }
  co_await stop_watching();
  finished->store(true);
  channel->close();
  if (reply && answering) {
    // Relayed to the replica owning the exchange: that replica's answer (and count) is the real one.
    const bool relayed = !streamed && !reply->forward_to.empty() && ctx_->options.forwarder;
    const bool is_error = reply->body.is_object() && reply->body.contains("error");
    observed.finish(relayed ? observe::Outcome::Ok : observe::outcome_of_reply(reply->http_status, is_error),
                    relayed ? 0 : streamed ? 200 : reply->http_status);
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (client_gone_) {
    keep_open_ = false;
    if (answering) {  // the race described at `answering`: not a cancellation
      spdlog::debug("http {}: {} answered; the client closed the connection right away", peer_, method);
      co_return;
    }
    spdlog::info("http {}: client closed the connection during {} after {} ms: request cancelled", peer_, method, ms);
    co_return;
  }
  if (write_error) std::rethrow_exception(write_error);
  // The call failed without a reply (call_bridge answers its own errors, so
  // this is an authentication hook's exception): end the connection, as an
  // exception on this path always did, rather than leave the client waiting.
  if (!reply && call_error) std::rethrow_exception(call_error);
  spdlog::debug("http {}: {} -> {} ({}) in {} ms", peer_, method, reply ? reply->http_status : 0,
                streamed ? "sse" : "json", ms);
}

template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::forward_to_owner(const HttpRequest& req, const bridge::Reply& reply,
                                                     bool keep_alive) {
  using Result = bridge::PeerForwarder::Result;
  const json id = reply.body.is_object() && reply.body.contains("id") ? reply.body["id"] : json(nullptr);
  switch (co_await ctx_->options.forwarder->relay(req, reply.forward_to, stream_, keep_alive)) {
    case Result::Relayed:
      co_return;
    case Result::Unreachable:
      co_return co_await write_json(400, bridge::exchange_lost_error(id), req.version(), keep_alive);
    case Result::Broken:
      keep_open_ = false;  // part of a response went out: this connection cannot carry another
      co_return;
  }
}

// handle() must not throw by contract; if it does anyway, the client still
// gets a JSON-RPC error instead of a dropped connection.
template <class Stream>
asio::awaitable<bridge::Reply> HttpConnection<Stream>::call_bridge(bridge::DownstreamRequest req,
                                                            bridge::NotificationSink sink) {
  json id = req.message.is_object() && req.message.contains("id") ? req.message["id"] : json(nullptr);
  try {
    co_return co_await ctx_->bridge->handle(std::move(req), std::move(sink));
  } catch (const boost::system::system_error& e) {
    if (e.code() == asio::error::operation_aborted) throw;  // cancelled: propagate
    spdlog::error("http {}: bridge failed: {}", peer_, e.what());
  } catch (const std::exception& e) {
    spdlog::error("http {}: bridge failed: {}", peer_, e.what());
  }
  co_return bridge::Reply{500, jsonrpc_error(id, protocol::error::kInternalError, "Internal error in mcp-bridge")};
}

// While the bridge works: a read on the socket, no coroutine. EOF or an
// error means the client went away: the call is cancelled (and a write in
// progress with it). Bytes of a pipelined next request are kept in the buffer
// for the next serve_one(); a client that pipelines more than one maximal
// request while waiting is cut off like a disconnect (bounded memory, and no
// wait that nothing could end). stop_watching() ends it at the end of the request.
template <class Stream>
void HttpConnection<Stream>::watch_for_disconnect() {
  watching_ = true;
  stream_.async_read_some(buffer_.prepare(4096),
                          asio::bind_cancellation_slot(watch_cancel_.slot(), [self = this->shared_from_this()](
                                                                                 boost::system::error_code ec,
                                                                                 std::size_t n) {
                            self->on_watch_read(ec, n);
                          }));
}

template <class Stream>
void HttpConnection<Stream>::on_watch_read(boost::system::error_code ec, std::size_t n) {
  buffer_.commit(n);
  const std::size_t limit = ctx_->options.max_body_bytes + ctx_->options.max_header_bytes;
  if (stop_watch_) {  // the request is over: stop_watching() cancelled us (or we completed just before)
    watching_ = false;
    watch_ended_.try_send(boost::system::error_code{});
    return;
  }
  if (!ec && buffer_.size() < limit) return watch_for_disconnect();
  if (!ec) spdlog::warn("http {}: client pipelined more than {} bytes while waiting; closing", peer_, limit);
  watching_ = false;
  client_gone_ = true;
  call_cancel_.emit(asio::cancellation_type::all);
  boost::system::error_code ignored;
  tcp().socket().cancel(ignored);  // a write in progress: nobody reads it
  watch_ended_.try_send(boost::system::error_code{});
}

template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::stop_watching() {
  stop_watch_ = true;
  if (watching_) watch_cancel_.emit(asio::cancellation_type::all);
  co_await watch_ended_.async_receive(use_tuple);
  stop_watch_ = false;
}

template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::write_json(unsigned status, const json& body, unsigned version,
                                                 bool keep_alive, std::string_view www_authenticate) {
  http::response<http::string_body> res{static_cast<http::status>(status), version};
  res.set(http::field::content_type, "application/json");
  if (!www_authenticate.empty()) res.set(http::field::www_authenticate, www_authenticate);
  res.keep_alive(keep_alive);
  res.body() = translate::to_wire(body);
  observe::metrics().sent_bytes.inc(res.body().size());
  res.prepare_payload();
  tcp().expires_after(ctx_->options.write_timeout);
  co_await http::async_write(stream_, res, use_awaitable);
  tcp().expires_never();
}

template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::write_rejection(const Rejection& r, unsigned version, bool keep_alive) {
  if (r.body.is_null()) {
    http::response<http::empty_body> res{static_cast<http::status>(r.status), version};
    if (!r.allow.empty()) res.set(http::field::allow, r.allow);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    tcp().expires_after(ctx_->options.write_timeout);
    co_await http::async_write(stream_, res, use_awaitable);
    tcp().expires_never();
    co_return;
  }
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::content_type, "application/json");
  if (!r.allow.empty()) res.set(http::field::allow, r.allow);
  res.keep_alive(keep_alive);
  res.body() = translate::to_wire(r.body);
  observe::metrics().sent_bytes.inc(res.body().size());
  res.prepare_payload();
  tcp().expires_after(ctx_->options.write_timeout);
  co_await http::async_write(stream_, res, use_awaitable);
  tcp().expires_never();
}

template class HttpConnection<PlainStream>;
template class HttpConnection<TlsStream>;

}  // namespace mcp::downstream
