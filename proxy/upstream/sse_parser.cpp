#include "upstream/sse_parser.hpp"

#include <charconv>

namespace mcp::upstream {

SseParser::SseParser(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

bool SseParser::feed(std::string_view chunk, std::vector<SseEvent>& out) {
  if (failed()) return false;
  if (at_stream_start_ && !chunk.empty()) {
    // Strip one leading UTF-8 BOM, possibly split across chunks: simplest is to
    // wait until three bytes are buffered in line_.
    line_.append(chunk);
    if (line_.size() < 3 && std::string_view("\xEF\xBB\xBF").starts_with(line_)) return true;
    at_stream_start_ = false;
    std::string pending;
    pending.swap(line_);
    std::string_view rest(pending);
    if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);
    return feed(rest, out);
  }
  std::size_t i = 0;
  if (after_cr_ && !chunk.empty() && chunk[0] == '\n') i = 1;  // second half of a CRLF
  after_cr_ = false;
  while (i < chunk.size()) {
    const auto end = chunk.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      line_.append(chunk.substr(i));
      if (line_.size() + data_.size() > max_event_bytes_) {
        error_ = "SSE line exceeds " + std::to_string(max_event_bytes_) + " bytes";
        return false;
      }
      break;
    }
    std::string_view line = chunk.substr(i, end - i);
    if (!line_.empty()) {
      line_.append(line);
      line = line_;
    }
    if (line.size() + data_.size() > max_event_bytes_) {
      error_ = "SSE event exceeds " + std::to_string(max_event_bytes_) + " bytes";
      return false;
    }
    process_line(line, out);
    line_.clear();
    if (failed()) return false;
    i = end + 1;
    if (chunk[end] == '\r') {
      if (i < chunk.size()) {
        if (chunk[i] == '\n') ++i;
      } else {
        after_cr_ = true;
      }
    }
  }
  return true;
}

void SseParser::process_line(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    dispatch(out);
    return;
  }
  if (line.front() == ':') return;  // comment (keep-alive)
  std::string_view field = line;
  std::string_view value;
  if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_type_.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_event_id_.assign(value);
  } else if (field == "retry") {
    if (!value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos) {
      unsigned long long ms = 0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec == std::errc()) retry_ = std::chrono::milliseconds(ms);
    }
  }
  // Unknown fields are ignored, as the standard requires.
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
  if (has_data_) {
    SseEvent ev;
    ev.type = event_type_.empty() ? "message" : std::move(event_type_);
    ev.data = std::move(data_);
    ev.id = last_event_id_;
    out.push_back(std::move(ev));
  }
  data_.clear();
  has_data_ = false;
  event_type_.clear();
}

}  // namespace mcp::upstream
