#pragma once
// One of the 4096 partitions of a namespace: its slice of the primary index under its
// own lock (fine-grained locking: transactions on different partitions never contend).
// Records are kept in descending digest order, the order the real server walks a
// partition in, so scan resume points ("continue after digest D") are a map lookup.

#include <functional>
#include <map>
#include <mutex>

#include "base/record.h"
#include "common/digest.h"

namespace asd {

using RecordMap = std::map<common::Digest, Record, std::greater<common::Digest>>;

struct Partition {
  std::mutex mu;
  RecordMap records;
};

}  // namespace asd
