#include "upstream/http_upstream.hpp"
#include "upstream/server_request_answer.hpp"

#include <atomic>
#include <fstream>
#include <mutex>
#include <utility>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "upstream/backoff.hpp"
#include "upstream/http_connection_pool.hpp"
#include "upstream/jsonrpc_message.hpp"
#include "upstream/legacy_handshake.hpp"
#include "upstream/legacy_session_core.hpp"
#include "upstream/sse_parser.hpp"
#include "translate/append_json.hpp"
#include "translate/json_input.hpp"
#include "observe/metrics.hpp"

namespace mcp::upstream {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Headers = std::map<std::string, std::string>;
using Parser = http::response_parser<http::string_body>;

namespace {

constexpr std::string_view kSessionHeader = "Mcp-Session-Id";
constexpr std::string_view kVersionHeader = "MCP-Protocol-Version";

// Mcp-Session-Id must be visible ASCII (0x21..0x7E); anything else could
// smuggle header syntax into our later requests.
bool valid_session_id(std::string_view s) {
  if (s.empty() || s.size() > 1024) return false;
  for (unsigned char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

bool is_token_char(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Per-call headers (traceparent, ...) come from the client: accept only
// well-formed ones, and never let them replace the protocol's own headers.
bool forwardable_header(const std::string& name, const std::string& value) {
  if (name.empty() || name.size() > 256 || value.size() > 8192) return false;
  for (unsigned char c : name)
    if (!is_token_char(c)) return false;
  for (unsigned char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  static const char* reserved[] = {"host", "content-length", "content-type", "accept", "transfer-encoding",
                                   "connection", "authorization", "mcp-session-id", "mcp-protocol-version",
                                   "last-event-id", "upgrade", "te", "trailer", "keep-alive"};
  for (const char* r : reserved)
    if (beast::iequals(name, r)) return false;
  return true;
}

bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == http::error::partial_message;
}

// Says what the upstream did, in the words a client's error message needs
// (Beast's own messages, e.g. "bad version", do not say it was the response).
std::string describe_error(const char* what, const HttpUrl& url, const boost::system::error_code& ec) {
  const std::string prefix = std::string(what) + " to upstream " + url.host_header;
  if (ec == beast::error::timeout) return prefix + ": timed out";
  if (ec == http::error::partial_message || ec == http::error::end_of_stream)
    return prefix + " failed: the upstream closed the connection before its response was complete (" +
           ec.message() + ")";
  if (ec == http::error::buffer_overflow)  // see HttpConnectionPool::Limits::max_unparsed_bytes
    return prefix + " failed: malformed HTTP response (a header or chunk-size line longer than the read buffer)";
  if (ec.category() == http::make_error_code(http::error::bad_version).category())
    return prefix + " failed: malformed HTTP response (" + ec.message() + ")";
  return prefix + " failed: " + ec.message();
}

void throw_if_aborted(const boost::system::error_code& ec) {
  if (ec == asio::error::operation_aborted) throw boost::system::system_error(ec);
}

// Sends `req` and reads the answer's header into `parser`; the error, if any.
asio::awaitable<boost::system::error_code> write_and_read_header(HttpConnection& conn,
                                                                 http::request<http::string_body>& req,
                                                                 Parser& parser) {
  boost::system::error_code ec;
  co_await conn.with_stream(
      [&](auto& s) { return http::async_write(s, req, asio::redirect_error(asio::use_awaitable, ec)); });
  if (!ec)
    co_await conn.with_stream([&](auto& s) {
      return http::async_read_header(s, conn.buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    });
  co_return ec;
}

// What one HTTP exchange produced.
struct Outcome {
  unsigned status = 0;
  bool have_response = false;
  json response;
  std::string session_id;
  std::string www_authenticate;
  std::string content_type;
};

// Where JSON-RPC messages read from an SSE stream go. Returns true when the
// message is the response the reader is waiting for.
using MessageSink = std::function<bool(json msg)>;

// The HTTP exchanges of one session; every protocol decision (routing,
// initialize and re-initialize rules, GET-stream backoff) comes from
// LegacySessionCore, legacy_handshake.hpp and backoff.hpp. Everything that
// background work (GET stream, cancel notifications, answers to server
// requests, DELETE) touches lives here, so it can outlive the session object
// the pool drops.
class HttpCore : public std::enable_shared_from_this<HttpCore> {
 public:
  HttpCore(asio::any_io_executor ex, std::shared_ptr<const HttpUpstreamOptions> opts,
           std::shared_ptr<HttpConnectionPool> pool, std::string authorization)
      : ex_(ex), strand_(asio::make_strand(ex)), opts_(std::move(opts)), pool_(std::move(pool)),
        authorization_(std::move(authorization)) {}

  LegacySessionCore& session() { return session_; }
  const LegacySessionCore& session() const { return session_; }

  // Routed messages go to these; server requests are answered concurrently
  // (a handler may wait minutes for a client; streams keep flowing meanwhile).
  void connect_handlers(UnsolicitedHandler unsolicited, ServerRequestHandler server_requests) {
    server_request_handler_ = std::move(server_requests);
    std::weak_ptr<HttpCore> weak = weak_from_this();
    session_.set_sinks({std::move(unsolicited), [weak](json request, json related) {
                          if (auto self = weak.lock()) self->spawn_answer(std::move(request), std::move(related));
                        }});
  }

  std::string session_id() const {
    std::lock_guard lock(mu_);
    return session_id_;
  }
  bool started() const { return started_; }
  bool shut_down() const { return closing_; }

  // initialize + notifications/initialized. Returns the InitializeResult.
  asio::awaitable<json> initialize(json params) {
    const json id = "bridge-init-" + std::to_string(++init_count_);
    const json request = make_initialize_request(id, params);
    CallRegistration registered(session_, id, PendingCall{"initialize", nullptr, nullptr, nullptr}, /*starting=*/true);
    Outcome o = co_await exchange(request, Headers{}, call_sink(id), /*initializing=*/true);
    if (!o.have_response) {
      throw UpstreamHttpError(o.status, o.www_authenticate,
                              "upstream answered initialize with HTTP " + std::to_string(o.status) +
                                  " (Content-Type '" + o.content_type + "') and no result");
    }
    json result = accept_initialize_response(o.response, LegacyTransport::StreamableHttp);
    const std::string version = result.value("protocolVersion", "");
    if (!o.session_id.empty() && !valid_session_id(o.session_id))
      throw UpstreamError("upstream sent an invalid Mcp-Session-Id header");
    {
      std::lock_guard lock(mu_);
      session_id_ = o.session_id;
      version_ = version;
      init_params_ = std::move(params);
    }
    // (named, not a braced temporary: GCC 12 miscompiles initializer lists in co_await arguments)
    const json initialized = make_initialized_notification();
    const Headers no_headers;
    Outcome n = co_await exchange(initialized, no_headers, nullptr, false);
    if (n.status / 100 != 2)
      throw UpstreamHttpError(n.status, n.www_authenticate,
                              "upstream answered notifications/initialized with HTTP " + std::to_string(n.status));
    started_ = true;
    session_.mark_usable();
    co_return result;
  }

  asio::awaitable<json> call(json request, CallNotificationHandler on_notification, Headers extra) {
    const json id = request.at("id");
    CallRegistration registered(session_, id,
                                PendingCall{request.value("method", ""), std::move(on_notification), nullptr, nullptr});
    try {
      for (unsigned reinitializations = 0;;) {
        const std::string sid_used = session_id();
        Outcome o = co_await exchange(request, extra, call_sink(id), false);
        const auto action = on_post_status(o.status, !sid_used.empty(), reinitializations);
        if (action == ExpiryAction::Reinitialize) {
          co_await reinitialize(sid_used);
          ++reinitializations;
          continue;
        }
        if (action == ExpiryAction::Fail)
          throw UpstreamHttpError(404, "", "upstream session expired again right after re-initialization");
        if (!o.have_response) {
          throw UpstreamHttpError(o.status, o.www_authenticate,
                                  "upstream answered " + request.value("method", std::string("request")) +
                                      " with HTTP " + std::to_string(o.status) + " (Content-Type '" +
                                      o.content_type + "') and no JSON-RPC response");
        }
        co_return std::move(o.response);  // a member: not moved implicitly
      }
    } catch (const boost::system::system_error& e) {
      if (e.code() != asio::error::operation_aborted) throw;
      // The awaiting coroutine was cancelled: tell the upstream, in the
      // background (this coroutine may not await anything any more).
      auto self = shared_from_this();
      asio::co_spawn(ex_, [self, id]() { return self->send_quietly(make_cancelled_notification(id, "request cancelled by the client")); },
                     asio::detached);
      throw;
    }
  }

  asio::awaitable<void> notify(json notification) {
    Outcome o = co_await exchange(notification, Headers{}, nullptr, false);
    if (o.status / 100 != 2)
      throw UpstreamHttpError(o.status, o.www_authenticate,
                              "upstream answered a notification with HTTP " + std::to_string(o.status));
  }

  void start_get_stream() {
    if (!opts_->open_get_stream) return;
    auto self = shared_from_this();
    asio::co_spawn(strand_, [self]() { return self->get_stream_loop(); },
                   asio::bind_cancellation_slot(get_cancel_.slot(), asio::detached));
  }

  // DELETE the session (2025-11-25 "Session Management" 5.). Idempotent.
  asio::awaitable<void> shutdown() {
    if (closing_.exchange(true)) co_return;
    session_.mark_dead("upstream session was shut down");
    auto self = shared_from_this();
    asio::post(strand_, [self]() { self->get_cancel_.emit(asio::cancellation_type::terminal); });
    const std::string sid = session_id();
    if (sid.empty()) co_return;
    try {
      const std::string auth = co_await authorization();
      auto lease = co_await pool_->acquire();
      auto req = make_request(http::verb::delete_, {}, auth);
      req.prepare_payload();
      lease->tcp().expires_after(opts_->connect_timeout);
      Parser parser;
      parser.body_limit(64 * 1024);
      co_await lease->with_stream([&](auto& s) { return http::async_write(s, req, asio::use_awaitable); });
      co_await lease->with_stream(
          [&](auto& s) { return http::async_read(s, lease->buffer, parser, asio::use_awaitable); });
      const unsigned status = parser.get().result_int();
      if (parser.get().keep_alive()) lease.keep();
      spdlog::debug("upstream session {} deleted: HTTP {}", sid, status);
    } catch (const std::exception& e) {
      spdlog::debug("upstream session {}: DELETE failed: {}", sid, e.what());
    }
  }

 private:
  // A sink for the stream of one call (its POST): the call's own response
  // ends the stream; everything else is routed by the session core.
  MessageSink call_sink(json id) {
    return [this, id](json msg) -> bool {
      const Route r = session_.route(msg, id);
      if (r.to == Destination::CallResponse && r.call_id == id) return true;
      session_.deliver(r, std::move(msg));
      return false;
    };
  }

  // A transport failure: the upstream cannot be reached, or a connection
  // broke under a request. The session is not usable any more, so the pool
  // replaces it instead of sending more calls into it. A timeout on an
  // established connection (`ec` == timeout) is one slow answer, not proof
  // that the session is gone: that call fails, the session stays.
  [[noreturn]] void fail_connection(const std::string& what, const boost::system::error_code& ec = {}) {
    if (ec != beast::error::timeout) session_.mark_dead(what);
    throw UpstreamError(what);
  }

  void spawn_answer(json request, json related) {
    auto self = shared_from_this();
    asio::co_spawn(ex_, [self, request = std::move(request), related = std::move(related)]() {
      return self->answer_server_request(request, related);
    }, asio::detached);
  }

  asio::awaitable<void> answer_server_request(json request, json related) {
    json response =
        co_await upstream::answer_server_request(server_request_handler_, std::move(request), std::move(related));
    co_await send_quietly(std::move(response));
  }

  asio::awaitable<void> send_quietly(json message) {
    try {
      Outcome o = co_await exchange(message, Headers{}, nullptr, false);
      if (o.status / 100 != 2) spdlog::debug("upstream answered HTTP {} to {}", o.status, abbreviate(message.dump()));
    } catch (const std::exception& e) {
      spdlog::debug("upstream: could not send {}: {}", abbreviate(message.dump()), e.what());
    }
  }

  asio::awaitable<void> reinitialize(const std::string& expired) {
    std::shared_ptr<asio::steady_timer> wait_for;
    {
      std::lock_guard lock(mu_);
      if (session_id_ != expired) co_return;  // another call already did it
      if (reinit_done_) {
        wait_for = reinit_done_;
      } else {
        reinit_done_ = std::make_shared<asio::steady_timer>(ex_, asio::steady_timer::time_point::max());
      }
    }
    if (wait_for) {
      boost::system::error_code ec;
      co_await wait_for->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      co_return;
    }
    auto finish = [this] {
      std::shared_ptr<asio::steady_timer> t;
      {
        std::lock_guard lock(mu_);
        t = std::move(reinit_done_);
      }
      t->cancel();
    };
    spdlog::warn("upstream session {} expired (HTTP 404); re-initializing", expired);
    observe::metrics().session_reinitializations.inc();
    json params;
    {
      std::lock_guard lock(mu_);
      params = init_params_;
    }
    try {
      co_await initialize(std::move(params));
    } catch (const boost::system::system_error&) {
      finish();
      throw;
    } catch (const std::exception& e) {
      finish();
      fail_connection(std::string("upstream session expired and re-initialization failed: ") + e.what());
    }
    finish();
  }

  // The Authorization of the next request: this session's client credential
  // if it has one, else the bridge's own (opts_->credentials, which may throw
  // UpstreamCredentialsError), else none. `refused`: see UpstreamCredentials.
  asio::awaitable<std::string> authorization(std::string refused = {}) {
    if (!uses_own_credentials()) co_return authorization_;
    co_return co_await opts_->credentials->authorization(std::move(refused));
  }
  bool uses_own_credentials() const { return authorization_.empty() && opts_->credentials; }

  http::request<http::string_body> make_request(http::verb verb, const Headers& extra, const std::string& authorization,
                                                bool with_session = true) {
    http::request<http::string_body> req{verb, pool_->url().target, 11};
    req.set(http::field::host, pool_->url().host_header);
    req.set(http::field::user_agent, "mcp-bridge");
    for (const auto& [k, v] : opts_->headers) req.set(k, v);
    if (!authorization.empty()) req.set(http::field::authorization, authorization);
    if (with_session) {
      std::lock_guard lock(mu_);
      if (!session_id_.empty()) req.set(kSessionHeader, session_id_);
      if (sends_version_header(version_)) req.set(kVersionHeader, version_);
    }
    for (const auto& [k, v] : extra) {
      if (forwardable_header(k, v)) {
        req.set(k, v);
      } else {
        spdlog::debug("upstream: not forwarding header '{}'", k);
      }
    }
    req.keep_alive(true);
    return req;
  }

  // POSTs one JSON-RPC message; reads a 202, a JSON body or an SSE stream
  // (feeding `sink`), resuming a broken SSE stream with GET + Last-Event-ID.
  asio::awaitable<Outcome> exchange(const json& message, const Headers& extra, MessageSink sink, bool initializing) {
    // Every request comes here: no coroutine for authorization() unless the
    // bridge's own credential is in play. (An if, not `?:`: GCC 12 miscompiles
    // co_await inside a conditional expression; it freed an invalid pointer.)
    std::string auth = authorization_;
    if (uses_own_credentials()) auth = co_await authorization();
    auto req = make_request(http::verb::post, extra, auth, !initializing);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json, text/event-stream");
    translate::append_json(req.body(), message, false);  // message.dump(), into the body
    req.prepare_payload();
    const char* what = initializing ? "initialize" : "POST";
    bool credential_renewed = false;

    bool allow_reuse = true;
    for (int attempt = 0;; ++attempt) {
      HttpConnectionPool::Lease lease;
      try {
        lease = co_await pool_->acquire(allow_reuse);
      } catch (const boost::system::system_error& e) {
        throw_if_aborted(e.code());
        fail_connection(describe_error("connecting", pool_->url(), e.code()));
      }
      const bool reused = lease->reused;
      const auto idle_since = lease->idle_since;
      Parser parser;
      parser.header_limit(static_cast<std::uint32_t>(opts_->max_header_bytes));
      parser.body_limit(opts_->max_response_bytes);
      lease->tcp().expires_after(opts_->request_timeout);
      boost::system::error_code ec = co_await write_and_read_header(*lease, req, parser);
      if (ec) {
        throw_if_aborted(ec);
        // A kept-alive connection the server closed while it was idle: the
        // request never reached it. Those idle as long are as likely closed, so
        // they go too, and the one retry is on a new connection, never on
        // another idle one (which, dead as well, would fail the call).
        if (reused && attempt == 0 && is_stale_connection_error(ec)) {
          pool_->drop_idle_since(idle_since);
          allow_reuse = false;
          continue;
        }
        if (ec == http::error::body_limit)  // announced by Content-Length
          throw UpstreamError("upstream response exceeds " + std::to_string(opts_->max_response_bytes) + " bytes");
        if (ec == http::error::header_limit)
          throw UpstreamError("upstream response headers exceed " + std::to_string(opts_->max_header_bytes) + " bytes");
        fail_connection(describe_error(what, pool_->url(), ec), ec);
      }

      Outcome out;
      auto& res = parser.get();
      out.status = res.result_int();
      out.session_id = std::string(res[kSessionHeader]);
      out.www_authenticate = std::string(res[http::field::www_authenticate]);
      const std::string_view content_type = res[http::field::content_type];
      out.content_type = abbreviate(content_type, 100);

      if (out.status / 100 == 2 && beast::iequals(content_type.substr(0, 17), "text/event-stream")) {
        co_await read_call_stream(lease, parser, sink, out);
        co_return out;
      }
      co_await lease->with_stream([&](auto& s) {
        return http::async_read(s, lease->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      });
      if (ec) {
        throw_if_aborted(ec);
        if (ec == http::error::body_limit)
          throw UpstreamError("upstream response exceeds " + std::to_string(opts_->max_response_bytes) + " bytes");
        fail_connection(describe_error(what, pool_->url(), ec), ec);
      }
      if (res.keep_alive()) lease.keep();
      if (out.status == 200 && sink && beast::iequals(content_type.substr(0, 16), "application/json")) {
        auto parsed = translate::parse_json(res.body(), translate::InvalidUtf8::Replace);
        if (!parsed.ok())
          throw UpstreamError("upstream sent malformed JSON (" + parsed.error + "): " + abbreviate(res.body()));
        json body = std::move(parsed.value);
        // A single response object (2025-03-26 servers may wrap it in a batch).
        if (body.is_array()) {
          for (auto& m : body)
            if (sink(m)) {
              out.have_response = true;
              out.response = std::move(m);
            }
        } else if (sink(body)) {
          out.have_response = true;
          out.response = std::move(body);
        }
        co_return out;
      }
      if (out.status / 100 == 2 || out.status == 404) co_return out;
      if (out.status == 401 && uses_own_credentials() && !credential_renewed) {
        // The bridge's own token was refused (revoked, or expired early at
        // the upstream): once, with a fresh one.
        credential_renewed = true;
        const std::string fresh = co_await authorization(std::string(req[http::field::authorization]));
        req.set(http::field::authorization, fresh);
        continue;
      }
      throw UpstreamHttpError(out.status, out.www_authenticate,
                              "upstream answered HTTP " + std::to_string(out.status) + " " +
                                  std::string(res.reason()) + ": " + abbreviate(res.body(), 200));
    }
  }

  // Reads an SSE body to its end, feeding `sink`. Sets `response_seen` when
  // the sink accepted the awaited response. Returns the error that ended the
  // stream (none when it ended cleanly).
  asio::awaitable<boost::system::error_code> read_sse(HttpConnection& conn, Parser& parser, SseParser& sse,
                                                      const MessageSink& sink, bool& response_seen) {
    parser.body_limit(boost::none);  // long streams are fine; each event is bounded by the SSE parser
    std::vector<SseEvent> events;
    boost::system::error_code ec;
    while (!parser.is_done()) {
      co_await conn.with_stream([&](auto& s) {
        return http::async_read_some(s, conn.buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      });
      std::string chunk = std::move(parser.get().body());
      parser.get().body().clear();
      events.clear();
      if (!sse.feed(chunk, events)) throw UpstreamError("upstream SSE stream: " + sse.error());
      for (auto& ev : events) {
        if (ev.type != "message" || ev.data.empty()) continue;
        auto parsed = translate::parse_json(ev.data, translate::InvalidUtf8::Replace);
        if (!parsed.ok()) {
          spdlog::warn("upstream: ignoring SSE event ({}): {}", parsed.error, abbreviate(ev.data));
          continue;
        }
        json msg = std::move(parsed.value);
        if (sink && sink(std::move(msg)) && !response_seen) {
          response_seen = true;
          // The server SHOULD end the stream now; do not wait long for it.
          conn.tcp().expires_after(std::chrono::seconds(2));
        }
      }
      if (ec) break;
    }
    co_return ec;
  }

  asio::awaitable<void> read_call_stream(HttpConnectionPool::Lease& lease, Parser& parser, const MessageSink& sink,
                                         Outcome& out) {
    SseParser sse(opts_->max_response_bytes);
    json response;
    MessageSink capture = [&](json msg) {
      const bool mine = sink && sink(msg);
      if (mine) response = std::move(msg);
      return mine;
    };
    bool seen = false;
    auto ec = co_await read_sse(*lease, parser, sse, capture, seen);
    if (!ec && parser.is_done() && parser.get().keep_alive()) lease.keep();
    if (!seen) throw_if_aborted(ec);
    // The connection broke before the answer: resume the stream (GET +
    // Last-Event-ID) if the server made it resumable.
    for (unsigned attempt = 0; !seen && attempt < opts_->max_resume_attempts && !sse.last_event_id().empty();
         ++attempt) {
      const auto delay = sse.retry().value_or(std::chrono::milliseconds(500));
      spdlog::info("upstream SSE stream ended before the response ({}); resuming after event '{}' in {} ms",
                   ec ? ec.message() : "closed", sse.last_event_id(), delay.count());
      asio::steady_timer t(ex_, std::min(delay, opts_->reconnect_backoff_max));
      co_await t.async_wait(asio::use_awaitable);
      HttpConnectionPool::Lease resume;
      try {
        resume = co_await pool_->acquire();
      } catch (const boost::system::system_error& e) {
        throw_if_aborted(e.code());
        continue;
      }
      const std::string auth = co_await authorization();
      auto req = make_request(http::verb::get, {}, auth);
      req.set(http::field::accept, "text/event-stream");
      req.set("Last-Event-ID", sse.last_event_id());
      Parser p2;
      p2.header_limit(static_cast<std::uint32_t>(opts_->max_header_bytes));
      resume->tcp().expires_after(opts_->request_timeout);
      ec = co_await write_and_read_header(*resume, req, p2);
      if (ec) {
        throw_if_aborted(ec);
        continue;
      }
      if (p2.get().result_int() != 200) {
        spdlog::warn("upstream refused to resume the SSE stream: HTTP {}", p2.get().result_int());
        break;
      }
      ec = co_await read_sse(*resume, p2, sse, capture, seen);
      if (!ec && p2.is_done() && p2.get().keep_alive()) resume.keep();
      if (!seen) throw_if_aborted(ec);
    }
    if (seen) {
      out.have_response = true;
      out.response = std::move(response);
      co_return;
    }
    if (ec) fail_connection(describe_error("SSE stream", pool_->url(), ec), ec);
    throw UpstreamError("upstream ended the SSE stream without a response");
  }

  // The optional GET stream for server-initiated messages, routed by the
  // session core (notifications: unsolicited unless their progress token is
  // a pending call; server requests: the attribution rule). Reopened when it
  // drops, as reconnect_delay() says; ends on 405 or shutdown.
  asio::awaitable<void> get_stream_loop() {
    const ReconnectLimits limits{opts_->reconnect_backoff_min, opts_->reconnect_backoff_max,
                                 opts_->max_reconnect_failures};
    unsigned failures = 0;
    std::string last_event_id;
    std::optional<std::chrono::milliseconds> retry;
    std::string refused;  // the bridge's own credential, answered 401 by the last attempt
    while (!closing_) {
      boost::system::error_code ec;
      bool connected = false;
      try {
        const std::string auth = co_await authorization(std::exchange(refused, {}));
        auto conn = co_await pool_->connect();
        auto req = make_request(http::verb::get, {}, auth);
        req.set(http::field::accept, "text/event-stream");
        if (!last_event_id.empty()) req.set("Last-Event-ID", last_event_id);
        Parser parser;
        parser.header_limit(static_cast<std::uint32_t>(opts_->max_header_bytes));
        conn->tcp().expires_after(opts_->connect_timeout);
        if (const auto failed = co_await write_and_read_header(*conn, req, parser))
          throw boost::system::system_error(failed);
        const unsigned status = parser.get().result_int();
        if (status == 405) {
          spdlog::debug("upstream offers no GET stream (HTTP 405)");
          co_return;
        }
        if (status == 401 && uses_own_credentials()) refused = auth;
        if (status != 200 ||
            !beast::iequals(parser.get()[http::field::content_type].substr(0, 17), "text/event-stream")) {
          spdlog::warn("upstream GET stream: HTTP {} ({})", status, parser.get()[http::field::content_type]);
        } else {
          connected = true;
          failures = 0;
          conn->tcp().expires_never();  // the server may stay silent for hours
          SseParser sse(opts_->max_response_bytes);
          bool unused = false;
          ec = co_await read_sse(*conn, parser, sse,
                                 [this](json m) {
                                   session_.dispatch(std::move(m));
                                   return false;
                                 },
                                 unused);
          last_event_id = sse.last_event_id();
          retry = sse.retry();
          conn->close();
        }
      } catch (const boost::system::system_error& e) {
        ec = e.code();
      } catch (const std::exception& e) {
        spdlog::warn("upstream GET stream: {}", e.what());
      }
      if (closing_ || ec == asio::error::operation_aborted) co_return;
      if (!connected) ++failures;
      const auto delay = reconnect_delay(failures, connected ? retry : std::nullopt, limits);
      if (!delay) {
        spdlog::warn("upstream GET stream: giving up after {} failures in a row; server-initiated messages "
                     "arrive only on request streams now", failures);
        co_return;
      }
      spdlog::debug("upstream GET stream {}; reopening in {} ms", connected ? "dropped" : "failed", delay->count());
      asio::steady_timer t(ex_, *delay);
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
  }

  asio::any_io_executor ex_;
  asio::strand<asio::any_io_executor> strand_;
  std::shared_ptr<const HttpUpstreamOptions> opts_;
  std::shared_ptr<HttpConnectionPool> pool_;
  const std::string authorization_;
  asio::cancellation_signal get_cancel_;  // used on strand_ only
  std::atomic<bool> closing_{false};
  std::atomic<bool> started_{false};
  std::atomic<int> init_count_{0};
  mutable std::mutex mu_;  // the fields below; held only for plain reads/writes
  std::string session_id_;
  std::string version_;
  json init_params_;
  std::shared_ptr<asio::steady_timer> reinit_done_;  // set while a re-initialize runs
  LegacySessionCore session_;
  ServerRequestHandler server_request_handler_;
};

class HttpUpstreamSession final : public UpstreamSession {
 public:
  HttpUpstreamSession(asio::any_io_executor ex, std::shared_ptr<const HttpUpstreamOptions> opts,
                      std::shared_ptr<HttpConnectionPool> pool, const SessionContext& ctx)
      : ex_(ex), core_(std::make_shared<HttpCore>(ex, std::move(opts), std::move(pool), ctx.authorization)) {}

  ~HttpUpstreamSession() override {
    // Dropped without shutdown(): end the upstream session in the background.
    if (core_->started() && !core_->shut_down())
      asio::co_spawn(ex_, [core = core_]() { return core->shutdown(); }, asio::detached);
  }

  asio::awaitable<void> start(json initialize_params) override {
    core_->connect_handlers(unsolicited_handler_, server_request_handler_);
    initialize_result_ = co_await core_->initialize(std::move(initialize_params));
    core_->start_get_stream();
    spdlog::info("upstream HTTP session {} initialized: {} {} (protocol {})", core_->session_id(),
                 initialize_result_.value("/serverInfo/name"_json_pointer, std::string("?")),
                 initialize_result_.value("/serverInfo/version"_json_pointer, std::string("?")),
                 initialize_result_.value("protocolVersion", ""));
  }

  const json& initialize_result() const override { return initialize_result_; }

  asio::awaitable<json> call(json request, CallNotificationHandler on_notification, CallContext context) override {
    co_return co_await core_->call(std::move(request), std::move(on_notification), std::move(context.headers));
  }

  asio::awaitable<void> notify(json notification) override { co_await core_->notify(std::move(notification)); }
  bool usable() const override { return core_->session().usable(); }
  asio::awaitable<void> shutdown() override { co_await core_->shutdown(); }
  std::size_t in_flight() const override { return core_->session().in_flight(); }

 private:
  asio::any_io_executor ex_;
  std::shared_ptr<HttpCore> core_;
  json initialize_result_ = json::object();
};

std::shared_ptr<asio::ssl::context> make_tls_context(const HttpUpstreamOptions& opts) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  if (opts.tls_insecure) {
    spdlog::warn("upstream TLS certificate verification is DISABLED (--upstream-insecure)");
    ctx->set_verify_mode(asio::ssl::verify_none);
    return ctx;
  }
  ctx->set_verify_mode(asio::ssl::verify_peer);
  ctx->set_default_verify_paths();
  if (!opts.ca_file.empty()) {
    boost::system::error_code ec;
    ctx->load_verify_file(opts.ca_file, ec);
    if (ec) throw std::invalid_argument("cannot load CA file '" + opts.ca_file + "': " + ec.message());
  }
  return ctx;
}

class HttpSessionFactory final : public SessionFactory {
 public:
  HttpSessionFactory(asio::any_io_executor ex, HttpUpstreamOptions opts) : ex_(ex) {
    std::string error;
    auto url = parse_http_url(opts.url, error);
    if (!url) throw std::invalid_argument("upstream URL '" + opts.url + "': " + error);
    if (opts.max_connections == 0) throw std::invalid_argument("upstream max connections must be at least 1");
    HttpConnectionPool::Limits limits;
    limits.max_connections = opts.max_connections;
    limits.max_idle = opts.max_connections;
    limits.connect_timeout = opts.connect_timeout;
    limits.idle_timeout = opts.idle_connection_timeout;
    limits.max_unparsed_bytes = opts.max_header_bytes + 64 * 1024;
    pool_ = std::make_shared<HttpConnectionPool>(ex, *url, url->tls ? make_tls_context(opts) : nullptr, limits);
    opts_ = std::make_shared<const HttpUpstreamOptions>(std::move(opts));
  }

  std::shared_ptr<UpstreamSession> create(const SessionContext& ctx) override {
    return std::make_shared<HttpUpstreamSession>(ex_, opts_, pool_, ctx);
  }

  std::string describe() const override { return opts_->url; }

 private:
  asio::any_io_executor ex_;
  std::shared_ptr<const HttpUpstreamOptions> opts_;
  std::shared_ptr<HttpConnectionPool> pool_;
};

}  // namespace

std::shared_ptr<asio::ssl::context> make_upstream_tls_context(const HttpUpstreamOptions& opts) {
  return make_tls_context(opts);
}

std::shared_ptr<SessionFactory> make_http_session_factory(asio::any_io_executor ex, HttpUpstreamOptions opts) {
  return std::make_shared<HttpSessionFactory>(ex, std::move(opts));
}

}  // namespace mcp::upstream
