#pragma once
// GapStore: the pipe writer's gaps on disk, so that a window of announcements asd could
// not hand to xdr survives an asd restart (kill -9 included) until xdr has acknowledged
// it. One small text file in the work directory, replaced atomically (write a temporary
// file, fdatasync, rename, fsync the directory), so a crash leaves the old or the new
// version, never a torn one.
//
// File format (version 1), one item per line, fields separated by one space:
//   asd-xdr-pipe-gaps 1
//   gap <namespace> <since LUT>       a gap xdr has not acknowledged yet
//   pending <namespace> <since LUT>   frames of this namespace with LUT >= since may
//                                     have been queued and not yet written: lost if asd
//                                     dies now, so they become a gap at the next start
//   crc <CRC-32 (zlib) of every byte before this line, 8 hex digits>
// A file that fails to parse or whose CRC is wrong is reported; load() then returns an
// error, and the caller falls back to a gap since 0 (everything) rather than trusting it.

#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"

namespace asd {

struct GapState {
  std::map<std::string, uint64_t> gaps;
  std::map<std::string, uint64_t> pending;
  bool operator==(const GapState&) const = default;
};

std::string encode_gap_state(const GapState& state);
// Error (Parameter) naming the line when the text is not a valid version 1 file.
common::Result<GapState> decode_gap_state(const std::string& text);

class GapStore {
 public:
  explicit GapStore(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  // The stored state; an empty state when the file does not exist. Error when it cannot
  // be read or does not parse (the message names the file).
  common::Result<GapState> load() const;
  // Replaces the file atomically; blocks for the syncs. Error names the file and errno.
  common::Status save(const GapState& state) const;

 private:
  std::string path_;
};

}  // namespace asd
