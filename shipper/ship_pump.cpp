// The pumps: take ready items in batches, read their current versions from the local asd
// in one XDR batch read, hand one write (or delete) per record to the remote pipeline,
// and settle each item when the remote answers: final, or retried with backoff.

#include <algorithm>

#include "client/client.h"
#include "client/errors.h"
#include "client/request.h"
#include "common/clock.h"
#include "common/log.h"
#include "dc_shipper_impl.h"
#include "shipper/local_copy.h"
#include "topology/topology.h"

namespace shipper {

using common::ResultCode;

namespace {

std::shared_ptr<spdlog::logger> ship_log() { return common::logger("shipper"); }

// How long a pump waits for work before looking at the stop flag again.
constexpr uint64_t kIdleWaitMs = 200;

Attempt done(Outcome outcome) { return Attempt{true, false, outcome, RetryCause::Dest, {}, AbandonCause::Other}; }
Attempt abandon(AbandonCause cause, std::string error) {
  return Attempt{true, false, Outcome::Abandoned, RetryCause::Dest, std::move(error), cause};
}
Attempt retry(RetryCause cause, std::string error) {
  return Attempt{false, false, Outcome::Success, cause, std::move(error), AbandonCause::Other};
}
Attempt send() { return Attempt{false, true, Outcome::Success, RetryCause::Dest, {}, AbandonCause::Other}; }

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

void DcShipper::Impl::pump_loop() {
  while (!stopping) {
    bool read = false;
    std::vector<ItemPtr> items = take_batch(read);
    if (!items.empty()) ship_batch(items);
    if (read) {
      // The pump that read ships what it read itself (no hand-over to another thread on
      // the latency path) and wakes the other one, which reads next meanwhile.
      size_t woke = read_some();
      std::lock_guard lock(mu);
      reading = false;
      if (woke > 0) work_cv.notify_one();
    }
    commit_cursor(false);
  }
}

std::vector<ItemPtr> DcShipper::Impl::take_batch(bool& read) {
  std::vector<ItemPtr> items;
  std::unique_lock lock(mu);
  for (;;) {
    if (stopping) return {};
    const uint64_t now = common::steady_ms();
    uint64_t wait = kIdleWaitMs;
    while (items.size() < options.read_batch && in_flight_records + items.size() < options.max_in_flight &&
           in_flight_bytes < options.max_in_flight_bytes) {
      auto next = dispatcher.next_ready_ms();
      if (!next) break;
      if (*next > now) {
        wait = std::min<uint64_t>(wait, *next - now);
        break;
      }
      // A token per record on its first attempt: retries do not count against the rate.
      ItemPtr item = dispatcher.take_ready(now);
      if (item->tries == 0 && item->started_ms == 0) {
        uint64_t token_wait = bucket.try_take(now);
        if (token_wait > 0) {
          dispatcher.requeue(item, now);
          wait = std::min(wait, token_wait);
          break;
        }
        item->started_ms = now;
      }
      items.push_back(std::move(item));
    }
    if (!items.empty()) {
      in_flight_records += items.size();
      return items;
    }
    if (!reading && dispatcher.pending_entries() < options.max_pending) {
      reading = true;
      read = true;
      return {};
    }
    // Answers wake a pump only when it waits for room (in flight, or in the read-ahead
    // for the pump that would read): waking it for every answer would cost a context
    // switch per record.
    ++pumps_waiting;
    work_cv.wait_for(lock, std::chrono::milliseconds(std::max<uint64_t>(wait, 1)));
    --pumps_waiting;
  }
}

void DcShipper::Impl::ship_batch(std::vector<ItemPtr>& items) {
  std::vector<client::Key> keys;
  keys.reserve(items.size());
  for (const ItemPtr& item : items) {
    keys.push_back(client::Key::from_digest(item->frame.ns, item->frame.set, item->frame.digest));
  }
  std::vector<client::BatchRecord> rows;
  std::string local_error;
  if (std::shared_ptr<client::Client> local_client = local()) {
    client::BatchRead read = client::BatchRead::all();
    read.xdr = true;
    client::BatchPolicy policy;
    policy.timeout_ms = options.local_timeout_ms;
    auto answer = local_client->batch_get(keys, read, policy);
    if (answer) rows = std::move(*answer);
    else local_error = "local batch read: " + answer.error().message;
  } else {
    local_error = "local asd not connected";
  }

  std::vector<RemoteRequest> requests;
  std::vector<ItemPtr> sent;
  for (size_t i = 0; i < items.size(); ++i) {
    const ItemPtr& item = items[i];
    RemoteRequest request;
    Attempt a = rows.empty() ? retry(RetryCause::Local, local_error) : decide(*item, rows[i], request);
    if (!a.send) {
      complete(item, a, 0);
      continue;
    }
    item->request_bytes = request.bytes.size();
    request.done = [this, item](const RemoteAnswer& answer) {
      Attempt r = classify_remote(answer);
      if (r.done && r.outcome == Outcome::Success && item->sent_delete) r.outcome = Outcome::NotFoundDeleted;
      complete(item, r, item->shipped_lut);
    };
    sent.push_back(item);
    requests.push_back(std::move(request));
  }
  if (requests.empty()) return;
  {
    std::lock_guard lock(mu);
    for (const ItemPtr& item : sent) in_flight_bytes += item->request_bytes;
  }
  pipeline.submit(std::move(requests));
}

Attempt DcShipper::Impl::decide(ShipItem& item, const client::BatchRecord& row, RemoteRequest& request) {
  const proto::XdrFrame& f = item.frame;
  client::Key key = client::Key::from_digest(f.ns, f.set, f.digest);
  const client::Record* record = row.found() || row.record.tombstone ? &row.record : nullptr;
  CopyJudgement copy = judge_local_copy(f, row.result, record, item.stale_reads);
  switch (copy.verdict) {
    case CopyVerdict::LocalError:
      return retry(RetryCause::Local, "local read answered " + std::to_string(int(row.result)));
    case CopyVerdict::ReadAgain:
      ++item.stale_reads;
      return retry(RetryCause::Local, copy.why);
    case CopyVerdict::NothingToShip:
      return done(Outcome::NotFound);
    case CopyVerdict::ShipDelete:
    case CopyVerdict::ShipRecord:
      break;
  }
  if (!record) return ship_delete(key, item, copy.delete_lut, f.origin_src_id.value, request);
  // The record may have changed hands since the frame (an XDR write replaced a local
  // one): decide again with the origin of the version that would ship.
  const uint8_t origin = record->origin_src_id;
  const bool from_xdr = origin != 0 && origin != src_id;
  if (!topology.should_ship(topology::RecordOrigin{f.ns, f.set, origin, from_xdr}, dc).ship) {
    return done(Outcome::Filtered);
  }
  if (copy.verdict == CopyVerdict::ShipDelete) return ship_delete(key, item, copy.delete_lut, origin, request);
  if (record->user_key) {
    // Keep the stored user key on the remote copy too.
    return ship_record(client::Key::from_digest(f.ns, f.set, f.digest, record->user_key), *record, item, request);
  }
  return ship_record(key, *record, item, request);
}

Attempt DcShipper::Impl::ship_record(const client::Key& key, const client::Record& record, ShipItem& item,
                                     RemoteRequest& request) {
  std::shared_ptr<client::Client> remote = link.client();
  if (!remote) return retry(RetryCause::ConnReset, "not connected");
  client::WritePolicy p;
  p.xdr = true;
  p.lut = record.lut ? record.lut : item.frame.lut;
  p.src_id = record.origin_src_id ? record.origin_src_id : src_id;
  p.exists = client::ExistsAction::Replace;  // the shipped version replaces the remote one
  p.send_key = key.user_key().has_value();
  p.ttl = remaining_ttl(record);
  client::WireSizes sizes;
  uint64_t threshold = compression_threshold.load(std::memory_order_relaxed);
  if (threshold > 0 && record_bytes(record) >= threshold && link.zstd()) {
    p.compress = true;
    p.zstd = true;
    p.wire_sizes = &sizes;
  }
  if (auto st = client::validate_key(key); !st.ok()) return abandon(AbandonCause::Other, st.message());
  std::string bytes = client::encode_put(key, record.bins, p, options.remote_timeout_ms);
  if (p.compress && sizes.plain > 0) stats.compressed(item.frame.ns, sizes.plain, sizes.sent);
  item.shipped_lut = *p.lut;
  item.sent_delete = false;
  return route(*remote, key, std::move(bytes), request);
}

Attempt DcShipper::Impl::ship_delete(const client::Key& key, ShipItem& item, uint64_t lut, uint8_t origin,
                                     RemoteRequest& request) {
  if (!delete_shipping) return done(Outcome::NotFound);
  std::shared_ptr<client::Client> remote = link.client();
  if (!remote) return retry(RetryCause::ConnReset, "not connected");
  client::WritePolicy p;
  p.xdr = true;
  p.lut = lut;
  p.src_id = origin ? origin : src_id;
  p.durable_delete = (item.frame.flags & proto::kXdrFlagDurable) != 0;
  if (auto st = client::validate_key(key); !st.ok()) return abandon(AbandonCause::Other, st.message());
  item.shipped_lut = lut;
  item.sent_delete = true;
  return route(*remote, key, client::encode_remove(key, p, options.remote_timeout_ms), request);
}

Attempt DcShipper::Impl::route(const client::Client& remote, const client::Key& key, std::string bytes,
                               RemoteRequest& request) {
  auto node = remote.route(key.ns(), key.partition_id());
  if (!node) return retry(RetryCause::Dest, "no remote node: " + node.error().message);
  request.host = node->host;
  request.bytes = std::move(bytes);
  return send();
}

Attempt DcShipper::Impl::classify_remote(const RemoteAnswer& answer) {
  if (security_refusal(answer.code)) {
    link.on_refused(answer.code, answer.message);
    return retry(RetryCause::Dest, answer.message);
  }
  if (answer.network) {
    link.on_failure(answer.message);
    return retry(answer.code == ResultCode::Timeout ? RetryCause::Timeout : RetryCause::ConnReset, answer.message);
  }
  link.on_answer();
  switch (answer.code) {
    case ResultCode::Ok: return done(Outcome::Success);
    case ResultCode::LostConflict: return done(Outcome::LostConflict);
    case ResultCode::Forbidden: return abandon(AbandonCause::Forbidden, answer.message);
    case ResultCode::RecordTooBig: return abandon(AbandonCause::TooBig, answer.message);
    default: break;
  }
  if (transient_server_code(answer.code)) return retry(RetryCause::Dest, answer.message);
  return abandon(AbandonCause::Other, answer.message);
}

void DcShipper::Impl::complete(const ItemPtr& item, const Attempt& a, uint64_t shipped_lut) {
  const uint64_t now = common::steady_ms();
  const std::string& ns = item->frame.ns;
  if (a.done) {
    const uint64_t latency = now - std::min(now, item->started_ms);
    if (a.outcome == Outcome::Abandoned) {
      stats.abandoned(ns, a.abandon_cause, now, latency);
      // A remote that refuses a whole namespace refuses every record: log the 1st, 2nd,
      // 4th, 8th... so the log shows it without a line per record.
      uint64_t n = ++abandoned_logged;
      if ((n & (n - 1)) == 0) {
        ship_log()->warn("ship abandoned dc={} ns={} digest={} err={} abandoned_so_far={}", dc, ns,
                         item->frame.digest.hex(), a.error, n);
      }
    } else {
      stats.outcome(ns, a.outcome, now, latency);
    }
    if (a.outcome == Outcome::Success || a.outcome == Outcome::NotFoundDeleted) {
      stats.record_lag(ns, record_lag_ms(common::now_cl_ms(), shipped_lut), now);
    }
  } else {
    stats.retry(ns, a.cause);
    ship_log()->debug("ship retry dc={} ns={} digest={} err={} tries={}", dc, ns, item->frame.digest.hex(), a.error,
                      item->tries + 1);
  }
  std::lock_guard lock(mu);
  // A pump waits for room when a limit was reached: this answer makes some.
  bool wake = pumps_waiting > 0 &&
              (in_flight_records >= options.max_in_flight || in_flight_bytes >= options.max_in_flight_bytes ||
               dispatcher.pending_entries() >= options.max_pending);
  --in_flight_records;
  in_flight_bytes -= std::min(in_flight_bytes, item->request_bytes);
  item->request_bytes = 0;
  if (stopping) {
    dispatcher.abandon(item);
  } else if (a.done) {
    if (item->coalesced) stats.total().coalesced(item->coalesced);
    // A parked follow-up of the digest became ready.
    wake = dispatcher.finish(item, now) || wake;
    space_cv.notify_all();
  } else {
    ++item->tries;
    dispatcher.requeue(item, now + Backoff().after(item->tries));
    wake = true;  // an idle pump sleeps until the retry is due
  }
  if (wake) work_cv.notify_one();
}

}  // namespace shipper
