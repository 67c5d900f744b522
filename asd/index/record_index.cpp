#include "index/record_index.h"

#include <algorithm>

namespace asd {

namespace {

// Leaves this small merge with the next one when both fit in kMergeInto entries, so
// deletes spread over a partition (nsup expiring records) do not leave many near-empty
// leaves each holding a full leaf's capacity.
constexpr size_t kSparse = RecordIndex::kLeafMax / 4;
constexpr size_t kMergeInto = RecordIndex::kLeafMax * 3 / 4;

}  // namespace

void RecordIndex::clear() {
  leaves_.clear();
  mins_.clear();
  size_ = 0;
}

size_t RecordIndex::leaf_for(const common::Digest& digest) const {
  // mins_ descends: the first leaf whose smallest digest is <= digest holds it.
  auto it = std::partition_point(mins_.begin(), mins_.end(), [&](const common::Digest& m) { return m > digest; });
  size_t leaf = size_t(it - mins_.begin());
  return leaf == leaves_.size() && leaf > 0 ? leaf - 1 : leaf;  // below every leaf: the last one's end
}

std::pair<size_t, size_t> RecordIndex::lower_bound(const common::Digest& digest) const {
  auto it = std::partition_point(mins_.begin(), mins_.end(), [&](const common::Digest& m) { return m > digest; });
  size_t leaf = size_t(it - mins_.begin());
  if (leaf == leaves_.size()) return {leaf, 0};
  const auto& entries = leaves_[leaf]->entries;
  auto at = std::partition_point(entries.begin(), entries.end(), [&](const Entry& e) { return e.digest > digest; });
  return {leaf, size_t(at - entries.begin())};
}

RecordIndex::iterator RecordIndex::find(const common::Digest& digest) {
  auto [leaf, pos] = lower_bound(digest);
  if (leaf == leaves_.size() || leaves_[leaf]->entries[pos].digest != digest) return end();
  return {this, leaf, pos};
}

RecordIndex::const_iterator RecordIndex::find(const common::Digest& digest) const {
  auto [leaf, pos] = lower_bound(digest);
  if (leaf == leaves_.size() || leaves_[leaf]->entries[pos].digest != digest) return end();
  return {this, leaf, pos};
}

RecordIndex::iterator RecordIndex::upper_bound(const common::Digest& digest) {
  auto [leaf, pos] = lower_bound(digest);
  iterator it{this, leaf, pos};
  if (leaf < leaves_.size() && leaves_[leaf]->entries[pos].digest == digest) ++it;
  return it;
}

std::pair<RecordIndex::iterator, bool> RecordIndex::emplace(const common::Digest& digest, Record&& record) {
  if (leaves_.empty()) {
    leaves_.push_back(std::make_unique<Leaf>());
    mins_.push_back(digest);
  }
  size_t leaf = leaf_for(digest);
  auto& entries = leaves_[leaf]->entries;
  auto at = std::partition_point(entries.begin(), entries.end(), [&](const Entry& e) { return e.digest > digest; });
  size_t pos = size_t(at - entries.begin());
  if (at != entries.end() && at->digest == digest) return {{this, leaf, pos}, false};
  entries.insert(at, Entry{digest, std::make_unique<Record>(std::move(record))});
  ++size_;
  if (entries.size() <= kLeafMax) {
    refresh_min(leaf);
    return {{this, leaf, pos}, true};
  }
  // Split: the upper half moves to a new leaf right after this one.
  size_t half = entries.size() / 2;
  auto next = std::make_unique<Leaf>();
  next->entries.assign(std::make_move_iterator(entries.begin() + long(half)), std::make_move_iterator(entries.end()));
  entries.erase(entries.begin() + long(half), entries.end());
  leaves_.insert(leaves_.begin() + long(leaf) + 1, std::move(next));
  mins_.insert(mins_.begin() + long(leaf) + 1, common::Digest{});
  refresh_min(leaf);
  refresh_min(leaf + 1);
  if (pos < half) return {{this, leaf, pos}, true};
  return {{this, leaf + 1, pos - half}, true};
}

RecordIndex::iterator RecordIndex::emplace_hint(const_iterator, const common::Digest& digest, Record&& record) {
  return emplace(digest, std::move(record)).first;
}

RecordIndex::iterator RecordIndex::erase(iterator it) {
  size_t leaf = it.leaf_, pos = it.pos_;
  auto& entries = leaves_[leaf]->entries;
  entries.erase(entries.begin() + long(pos));
  --size_;
  if (entries.empty()) {
    leaves_.erase(leaves_.begin() + long(leaf));
    mins_.erase(mins_.begin() + long(leaf));
    return {this, leaf, 0};  // the next leaf moved into this slot (or this is end())
  }
  if (entries.size() < kSparse && leaf + 1 < leaves_.size() &&
      entries.size() + leaves_[leaf + 1]->entries.size() <= kMergeInto) {
    auto& next = leaves_[leaf + 1]->entries;
    entries.insert(entries.end(), std::make_move_iterator(next.begin()), std::make_move_iterator(next.end()));
    leaves_.erase(leaves_.begin() + long(leaf) + 1);
    mins_.erase(mins_.begin() + long(leaf) + 1);
  }
  refresh_min(leaf);
  if (pos == entries.size()) return {this, leaf + 1, 0};
  return {this, leaf, pos};
}

}  // namespace asd
