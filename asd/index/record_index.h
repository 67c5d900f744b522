#pragma once
// RecordIndex: one partition's slice of the primary index, records in descending digest
// order (the order the real server walks a partition in, so "continue after digest D" is
// upper_bound(D)).
//
// Why not std::map: a lookup in a red-black tree visits ~log2(n) nodes, each its own
// allocation holding the whole Record, so with a million records every level is a cache
// (and TLB) miss: about 4 us a lookup in asd, three quarters of a batch read's CPU. Here
// the digests sit in sorted leaves of at most kLeafMax entries (digest + Record pointer,
// 32 bytes), found through a contiguous array of each leaf's smallest digest: two binary
// searches over contiguous memory, then one pointer to the Record.
//
// Records are heap-allocated and never move, so a Record& stays valid until that record
// is erased. Iterators are invalidated by any insert or erase (as a vector's); erase()
// returns the iterator to the next record.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/container/static_vector.hpp>

#include "base/record.h"
#include "common/digest.h"

namespace asd {

class RecordIndex {
 public:
  // Leaves split at this size; 64 entries are 2 KB, a few pages of memmove at worst.
  static constexpr size_t kLeafMax = 64;

  // What an iterator yields: a map-like (digest, record) pair of references.
  struct Ref {
    const common::Digest& first;
    Record& second;
  };

  template <bool Const>
  class Iter {
   public:
    struct Arrow;
    using Owner = std::conditional_t<Const, const RecordIndex, RecordIndex>;
    using iterator_category = std::forward_iterator_tag;
    using value_type = Ref;
    using difference_type = std::ptrdiff_t;
    using pointer = Arrow;
    using reference = Ref;
    Iter() = default;
    Iter(Owner* index, size_t leaf, size_t pos) : index_(index), leaf_(leaf), pos_(pos) {}
    // iterator -> const_iterator, as a map's.
    template <bool C = Const, std::enable_if_t<!C, int> = 0>
    operator Iter<true>() const {  // NOLINT(google-explicit-constructor)
      return {index_, leaf_, pos_};
    }

    Ref operator*() const {
      auto& e = index_->leaves_[leaf_]->entries[pos_];
      return {e.digest, *e.record};
    }
    struct Arrow {
      Ref ref;
      const Ref* operator->() const { return &ref; }
    };
    Arrow operator->() const { return {**this}; }
    Iter& operator++() {
      if (++pos_ == index_->leaves_[leaf_]->entries.size()) {
        ++leaf_;
        pos_ = 0;
      }
      return *this;
    }
    bool operator==(const Iter& o) const { return leaf_ == o.leaf_ && pos_ == o.pos_; }

   private:
    friend class RecordIndex;
    Owner* index_ = nullptr;
    size_t leaf_ = 0;
    size_t pos_ = 0;
  };
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;

  RecordIndex() = default;
  RecordIndex(RecordIndex&&) = default;
  RecordIndex& operator=(RecordIndex&&) = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear();

  iterator begin() { return {this, 0, 0}; }
  iterator end() { return {this, leaves_.size(), 0}; }
  const_iterator begin() const { return {this, 0, 0}; }
  const_iterator end() const { return {this, leaves_.size(), 0}; }

  iterator find(const common::Digest& digest);
  const_iterator find(const common::Digest& digest) const;
  size_t count(const common::Digest& digest) const { return find(digest) == end() ? 0 : 1; }
  // The first record after `digest` in index order (a smaller digest).
  iterator upper_bound(const common::Digest& digest);

  // Inserts unless the digest is there; returns where it is and whether it was inserted.
  std::pair<iterator, bool> emplace(const common::Digest& digest, Record&& record);
  // As emplace; the hint is not needed (loading in index order appends either way).
  iterator emplace_hint(const_iterator hint, const common::Digest& digest, Record&& record);
  // Removes the record; returns the iterator to the one after it.
  iterator erase(iterator it);

 private:
  struct Entry {
    common::Digest digest;
    std::unique_ptr<Record> record;
  };
  struct Leaf {
    // Descending digests, 1..kLeafMax of them (one more while splitting), stored inline:
    // a lookup goes from the leaf pointer straight to the digests.
    boost::container::static_vector<Entry, kLeafMax + 1> entries;
  };

  // (leaf, position) of the first entry whose digest is <= `digest` (its slot if absent).
  std::pair<size_t, size_t> lower_bound(const common::Digest& digest) const;
  // The leaf index that holds, or would hold, `digest`.
  size_t leaf_for(const common::Digest& digest) const;
  void refresh_min(size_t leaf) { mins_[leaf] = leaves_[leaf]->entries.back().digest; }

  std::vector<std::unique_ptr<Leaf>> leaves_;
  std::vector<common::Digest> mins_;  // per leaf: its last (smallest) digest
  size_t size_ = 0;
};

}  // namespace asd
