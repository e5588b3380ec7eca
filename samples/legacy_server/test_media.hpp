// Tiny media payloads for the image/audio/binary conformance fixtures.
#pragma once

#include <string_view>

namespace legacy {
// A 1x1 red PNG.
inline constexpr std::string_view kRedPixelPngBase64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
// 16 samples of 8-bit mono silence at 8 kHz.
inline constexpr std::string_view kSilenceWavBase64 =
    "UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YRAAAACAgICAgICAgICAgICAgICA";
}  // namespace legacy
