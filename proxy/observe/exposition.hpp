// Metrics as Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): # HELP and
// # TYPE per family; histograms as cumulative _bucket{le=...} series ending
// with le="+Inf", then _sum and _count. Pure: no sockets, no clock.
//
// Labelled families list only the label sets seen at least once (a method
// nobody called has no series); unlabelled ones are always present.
#pragma once

#include <string>
#include <string_view>

#include "observe/metrics.hpp"

namespace mcp::observe {

// The Content-Type of render_text's output.
inline constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// A label value as it goes between the double quotes: backslash, double
// quote and line feed escaped (\\, \", \n); everything else verbatim.
std::string escape_label_value(std::string_view value);
// A # HELP docstring: backslash and line feed escaped.
std::string escape_help(std::string_view text);
// A sample value: integers exactly, others shortest round-trip, +Inf/-Inf/NaN.
std::string format_value(double value);

std::string render_text(const Metrics& metrics);

}  // namespace mcp::observe
