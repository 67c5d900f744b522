// The ship workers: take a ready item, read the current record from the local asd, write
// it (or its delete) to the remote DC, and retry until the outcome is final.

#include <algorithm>

#include "client/client.h"
#include "client/errors.h"
#include "common/clock.h"
#include "common/log.h"
#include "dc_shipper_impl.h"
#include "topology/topology.h"

namespace shipper {

using common::ResultCode;

namespace {

std::shared_ptr<spdlog::logger> ship_log() { return common::logger("shipper"); }

// A local read that looks older than the entry it is for (the record missing, or an
// older version) came from a copy a moment behind its master, seen through a partition
// map that is a moment behind the cluster: read again, up to this many times, before
// believing it.
constexpr uint32_t kStaleReadRetries = 5;

Attempt done(Outcome outcome) { return Attempt{true, outcome, RetryCause::Dest, {}}; }
Attempt retry(RetryCause cause, std::string error) { return Attempt{false, Outcome::Success, cause, std::move(error)}; }

// Remaining TTL from the record's void time; never-expire stays never-expire.
uint32_t remaining_ttl(const client::Record& record) {
  if (record.void_time == 0) return client::kTtlNeverExpire;
  uint32_t now = common::now_cl_sec();
  // Already past its void time but not yet removed by nsup: keep it for a moment only.
  return record.void_time > now ? record.void_time - now : 1;
}

uint64_t record_bytes(const client::Record& record) {
  uint64_t n = 0;
  for (const client::Bin& b : record.bins) n += b.name.size() + b.value.bytes().size() + 8;
  return n;
}

// Codes worth another try: the destination is busy, full, starting, or not yet ready
// for the namespace. Anything else would fail again the same way.
bool transient_server_code(ResultCode code) {
  switch (code) {
    case ResultCode::ServerError:
    case ResultCode::ClusterKeyMismatch:
    case ResultCode::OutOfSpace:
    case ResultCode::Timeout:
    case ResultCode::Unavailable:
    case ResultCode::KeyBusy:
    case ResultCode::DeviceOverload:
    case ResultCode::Namespace:
    case ResultCode::XdrKeyBusy:
      return true;
    default:
      return false;
  }
}

}  // namespace

void DcShipper::Impl::worker_loop() {
  for (;;) {
    ItemPtr item;
    {
      std::unique_lock lock(mu);
      for (;;) {
        if (stopping) return;
        uint64_t now = common::steady_ms();
        if ((item = dispatcher.take_ready(now))) break;
        auto next = dispatcher.next_ready_ms();
        uint64_t wait = next ? std::clamp<uint64_t>(*next - std::min(*next, now), 1, 200) : 200;
        work_cv.wait_for(lock, std::chrono::milliseconds(wait));
      }
    }
    std::optional<Outcome> outcome = ship_item(*item);
    std::lock_guard lock(mu);
    if (!outcome) {
      dispatcher.abandon(item);
      return;
    }
    if (item->coalesced) stats.total().coalesced(item->coalesced);
    if (dispatcher.finish(item, common::steady_ms())) work_cv.notify_one();
    space_cv.notify_all();
  }
}

std::optional<Outcome> DcShipper::Impl::ship_item(const ShipItem& item) {
  throttle();
  const uint64_t start = common::steady_ms();
  Backoff backoff;
  for (uint32_t tries = 0;; ++tries) {
    if (stopping) return std::nullopt;
    Attempt a = attempt(item, tries);
    if (a.done) {
      uint64_t now = common::steady_ms();
      stats.outcome(item.frame.ns, a.outcome, now, now - start);
      return a.outcome;
    }
    stats.retry(item.frame.ns, a.cause);
    uint32_t pause = backoff.next();
    ship_log()->debug("ship retry dc={} ns={} digest={} err={} pause_ms={}", dc, item.frame.ns,
                      item.frame.digest.hex(), a.error, pause);
    if (!pause_ms(pause)) return std::nullopt;
  }
}

void DcShipper::Impl::throttle() {
  while (!stopping) {
    uint64_t wait = bucket.try_take(common::steady_ms());
    if (wait == 0) return;
    pause_ms(wait);
  }
}

Attempt DcShipper::Impl::attempt(const ShipItem& item, uint32_t tries) {
  const proto::XdrFrame& f = item.frame;
  std::shared_ptr<client::Client> local_client = local();
  if (!local_client) return retry(RetryCause::Local, "local asd not connected");
  client::Key key = client::Key::from_digest(f.ns, f.set, f.digest);
  client::ReadPolicy read;
  read.xdr = true;
  read.timeout_ms = options.local_timeout_ms;
  auto record = local_client->get(key, {}, read);
  const bool is_write = f.op == proto::XdrOp::Write;
  const bool may_be_stale = is_write && tries < kStaleReadRetries;
  if (!record) {
    if (record.code() != ResultCode::NotFound) return retry(RetryCause::Local, "local read: " + record.error().message);
    // No tombstone either: the node that answered never held this version. For a write
    // that is a stale copy; shipping a delete with the write's LUT would delete the
    // version itself at the remote. A record that vanished without a tombstone
    // (expired, evicted) expires at the remote by its own TTL.
    if (may_be_stale) return retry(RetryCause::Local, "local copy does not hold the record yet");
    if (is_write) return done(Outcome::NotFound);
    return ship_delete(key, item, f.lut, f.origin_src_id);
  }
  if (record->tombstone) {
    uint8_t origin = record->origin_src_id;
    bool from_xdr = origin != 0 && origin != src_id;
    if (!topology.should_ship(topology::RecordOrigin{f.ns, f.set, origin, from_xdr}, dc).ship) {
      return done(Outcome::Filtered);
    }
    return ship_delete(key, item, std::max(record->lut, f.lut), origin);
  }
  if (may_be_stale && record->lut < f.lut) return retry(RetryCause::Local, "local copy older than the entry");
  // The record may have changed hands since the frame (an XDR write replaced a local
  // one): decide again with the origin of the version that would ship.
  uint8_t origin = record->origin_src_id;
  bool from_xdr = origin != 0 && origin != src_id;
  if (!topology.should_ship(topology::RecordOrigin{f.ns, f.set, origin, from_xdr}, dc).ship) {
    return done(Outcome::Filtered);
  }
  if (record->user_key) {
    // Keep the stored user key on the remote copy too.
    return ship_record(client::Key::from_digest(f.ns, f.set, f.digest, record->user_key), *record, item);
  }
  return ship_record(key, *record, item);
}

Attempt DcShipper::Impl::ship_record(const client::Key& key, const client::Record& record, const ShipItem& item) {
  std::shared_ptr<client::Client> remote = link.client();
  if (!remote) return retry(RetryCause::ConnReset, "not connected");
  client::WritePolicy p;
  p.xdr = true;
  p.lut = record.lut ? record.lut : item.frame.lut;
  p.src_id = record.origin_src_id ? record.origin_src_id : src_id;
  p.exists = client::ExistsAction::Replace;  // the shipped version replaces the remote one
  p.send_key = key.user_key().has_value();
  p.ttl = remaining_ttl(record);
  p.timeout_ms = options.remote_timeout_ms;
  client::WireSizes sizes;
  if (compression_threshold > 0 && record_bytes(record) > compression_threshold && link.zstd()) {
    p.compress = true;
    p.zstd = true;
    p.wire_sizes = &sizes;
  }
  common::Status st = remote->put(key, record.bins, p);
  if (p.compress && sizes.plain > 0) stats.compressed(item.frame.ns, sizes.plain, sizes.sent);
  return classify_remote(st.code(), st.message());
}

Attempt DcShipper::Impl::ship_delete(const client::Key& key, const ShipItem& item, uint64_t lut, uint8_t origin) {
  if (!delete_shipping) return done(Outcome::NotFound);
  std::shared_ptr<client::Client> remote = link.client();
  if (!remote) return retry(RetryCause::ConnReset, "not connected");
  const proto::XdrFrame& f = item.frame;
  client::WritePolicy p;
  p.xdr = true;
  p.lut = lut;
  p.src_id = origin ? origin : src_id;
  p.durable_delete = (f.flags & proto::kXdrFlagDurable) != 0;
  p.timeout_ms = options.remote_timeout_ms;
  auto removed = remote->remove(key, p);
  Attempt a = classify_remote(removed.code(), removed.ok() ? std::string() : removed.error().message);
  if (a.done && a.outcome == Outcome::Success) a.outcome = Outcome::NotFoundDeleted;
  return a;
}

Attempt DcShipper::Impl::classify_remote(ResultCode code, const std::string& message) {
  const bool network = client::is_client_error(message) &&
                       (code == ResultCode::Timeout || code == ResultCode::Unavailable);
  if (network) {
    link.on_failure(message);
    return retry(code == ResultCode::Timeout ? RetryCause::Timeout : RetryCause::ConnReset, message);
  }
  link.on_answer();
  switch (code) {
    case ResultCode::Ok: return done(Outcome::Success);
    case ResultCode::LostConflict: return done(Outcome::LostConflict);
    case ResultCode::Forbidden: return done(Outcome::Abandoned);
    default: break;
  }
  if (transient_server_code(code)) return retry(RetryCause::Dest, message);
  ship_log()->warn("ship abandoned dc={} code={} err={}", dc, int(code), message);
  return done(Outcome::Abandoned);
}

}  // namespace shipper
