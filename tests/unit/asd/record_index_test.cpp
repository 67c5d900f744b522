// RecordIndex against std::map with the same (descending) order: random inserts, finds,
// upper_bound resume points and erases, across many leaf splits and merges; Record
// addresses stay put while other records come and go.

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <random>
#include <vector>

#include "index/record_index.h"

using asd::Record;
using asd::RecordIndex;
using common::Digest;

namespace {

Digest digest_of(uint64_t n) {
  Digest d;
  for (size_t i = 0; i < d.bytes.size(); ++i) d.bytes[i] = uint8_t((n * 0x9E3779B97F4A7C15ull) >> ((i % 8) * 8));
  d.bytes[19] = uint8_t(n);
  d.bytes[18] = uint8_t(n >> 8);
  d.bytes[17] = uint8_t(n >> 16);
  return d;
}

Record record_with(uint16_t gen) {
  Record r;
  r.generation = gen;
  return r;
}

void check_same(const RecordIndex& index, const std::map<Digest, uint16_t, std::greater<Digest>>& model) {
  REQUIRE(index.size() == model.size());
  REQUIRE(index.empty() == model.empty());
  auto m = model.begin();
  for (const auto& [digest, record] : index) {
    REQUIRE(m != model.end());
    REQUIRE(digest == m->first);
    REQUIRE(record.generation == m->second);
    ++m;
  }
  REQUIRE(m == model.end());
}

}  // namespace

TEST_CASE("RecordIndex matches an ordered map through inserts, finds, resumes and erases", "[record_index]") {
  std::mt19937_64 rng(7);
  RecordIndex index;
  std::map<Digest, uint16_t, std::greater<Digest>> model;
  for (int round = 0; round < 20000; ++round) {
    Digest d = digest_of(rng() % 3000);
    switch (rng() % 4) {
      case 0:
      case 1: {
        auto gen = uint16_t(round);
        auto [it, inserted] = index.emplace(d, record_with(gen));
        auto [mit, minserted] = model.emplace(d, gen);
        REQUIRE(inserted == minserted);
        REQUIRE(it->first == d);
        REQUIRE(it->second.generation == mit->second);
        break;
      }
      case 2: {
        auto it = index.find(d);
        auto mit = model.find(d);
        REQUIRE((it == index.end()) == (mit == model.end()));
        if (mit != model.end()) REQUIRE(it->second.generation == mit->second);
        REQUIRE(index.count(d) == model.count(d));
        auto up = index.upper_bound(d);
        auto mup = model.upper_bound(d);
        REQUIRE((up == index.end()) == (mup == model.end()));
        if (mup != model.end()) REQUIRE(up->first == mup->first);
        break;
      }
      case 3: {
        auto it = index.find(d);
        if (it == index.end()) break;
        auto next = index.erase(it);
        auto mnext = model.erase(model.find(d));
        REQUIRE((next == index.end()) == (mnext == model.end()));
        if (mnext != model.end()) REQUIRE(next->first == mnext->first);
        break;
      }
    }
  }
  check_same(index, model);
}

TEST_CASE("RecordIndex: erase-while-iterating visits every record once; records never move", "[record_index]") {
  RecordIndex index;
  std::vector<Record*> addresses;
  for (uint64_t n = 0; n < 5000; ++n) {
    auto [it, inserted] = index.emplace(digest_of(n), record_with(uint16_t(n)));
    REQUIRE(inserted);
    addresses.push_back(&it->second);
  }
  for (uint64_t n = 0; n < 5000; ++n) REQUIRE(&index.find(digest_of(n))->second == addresses[n]);

  // Drop the odd generations as nsup does (it = erase(it)), keeping the rest.
  size_t visited = 0;
  for (auto it = index.begin(); it != index.end();) {
    ++visited;
    it = it->second.generation % 2 ? index.erase(it) : std::next(it);
  }
  REQUIRE(visited == 5000);
  REQUIRE(index.size() == 2500);
  for (uint64_t n = 0; n < 5000; n += 2) REQUIRE(&index.find(digest_of(n))->second == addresses[n]);
  for (uint64_t n = 1; n < 5000; n += 2) REQUIRE(index.find(digest_of(n)) == index.end());

  for (auto it = index.begin(); it != index.end();) it = index.erase(it);
  REQUIRE(index.empty());
  REQUIRE(index.begin() == index.end());
  REQUIRE(index.upper_bound(digest_of(1)) == index.end());
  index.emplace(digest_of(9), record_with(9));
  REQUIRE(index.size() == 1);
  index.clear();
  REQUIRE(index.empty());
}
