// Decisions, events and state: each written and read back field by field; events updated in
// place; state overwritten; a batch written in one go.
#include <gtest/gtest.h>

#include <vector>

#include "store/store.h"
#include "temp_dir.h"

namespace tide::store {
namespace {

using testing::StoreTest;
using RecordsTest = StoreTest;

DecisionRecord Decision(const std::string& group, double at, int desired) {
  return {group, at, 3, desired, "ScaleUp", "cpu 0.9 > 0.6", R"({"stages":[]})"};
}

EventRecord Event(const std::string& group, double at, const std::string& kind) {
  EventRecord e;
  e.group = group;
  e.kind = kind;
  e.at = at;
  e.from = 3;
  e.to = 5;
  e.status = "decided";
  e.decided_at = at;
  e.message = "3 → 5";
  return e;
}

TEST_F(RecordsTest, DecisionsRoundTripNewestFirstPerGroup) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->AppendDecision(Decision("web", 100, 4)).ok());
  ASSERT_TRUE(store->AppendDecision(Decision("web", 115, 5)).ok());
  ASSERT_TRUE(store->AppendDecision(Decision("api", 110, 9)).ok());
  ASSERT_TRUE(store->AppendDecision(Decision("web", 130, 6)).ok());

  auto d = store->RecentDecisions("web", 2);
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[0].at, 130);
  EXPECT_EQ((*d)[0].desired, 6);
  EXPECT_EQ((*d)[1].at, 115);
  const DecisionRecord& r = (*d)[1];
  EXPECT_EQ(r.group, "web");
  EXPECT_EQ(r.current, 3);
  EXPECT_EQ(r.desired, 5);
  EXPECT_EQ(r.reason, "ScaleUp");
  EXPECT_EQ(r.message, "cpu 0.9 > 0.6");
  EXPECT_EQ(r.json, R"({"stages":[]})");

  auto all = store->RecentDecisions("web", 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  auto none = store->RecentDecisions("nope", 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(RecordsTest, LimitBelowOneIsInvalidInputNamingIt) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto d = store->RecentDecisions("web", 0);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(d.status().message().find("limit = 0"), std::string::npos);
  EXPECT_FALSE(store->Events("", 0, -1).ok());
}

TEST_F(RecordsTest, EventsGetIdsAndComeBackNewestFirstFilteredByGroupAndTime) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto a = store->AppendEvent(Event("web", 100, "scale"));
  auto b = store->AppendEvent(Event("api", 200, "paused"));
  auto c = store->AppendEvent(Event("web", 300, "scale"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_LT(*a, *b);
  EXPECT_LT(*b, *c);

  auto all = store->Events("", 0, 10);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, *c);
  EXPECT_EQ((*all)[1].id, *b);
  EXPECT_EQ((*all)[2].id, *a);
  const EventRecord& e = (*all)[2];
  EXPECT_EQ(e.group, "web");
  EXPECT_EQ(e.kind, "scale");
  EXPECT_EQ(e.at, 100);
  EXPECT_EQ(e.from, 3);
  EXPECT_EQ(e.to, 5);
  EXPECT_EQ(e.status, "decided");
  EXPECT_EQ(e.decided_at, 100);
  EXPECT_EQ(e.applied_at, 0);
  EXPECT_EQ(e.ready_at, 0);
  EXPECT_EQ(e.message, "3 → 5");

  auto web = store->Events("web", 0, 10);
  ASSERT_TRUE(web.ok());
  ASSERT_EQ(web->size(), 2u);
  EXPECT_EQ((*web)[0].at, 300);

  auto since = store->Events("", 200, 10);  // `since` is inclusive
  ASSERT_TRUE(since.ok());
  ASSERT_EQ(since->size(), 2u);
  EXPECT_EQ((*since)[1].at, 200);

  auto limited = store->Events("", 0, 1);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ((*limited)[0].id, *c);
}

TEST_F(RecordsTest, UpdateEventRewritesStatusTimingsAndMessageOnly) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto id = store->AppendEvent(Event("web", 100, "scale"));
  ASSERT_TRUE(id.ok());

  EventRecord u = Event("other", 999, "other-kind");  // fields that must not change
  u.id = *id;
  u.from = 7;
  u.to = 8;
  u.status = "ready";
  u.decided_at = 100;
  u.applied_at = 104.5;
  u.ready_at = 160.25;
  u.message = "3 → 5, ready after 60 s";
  ASSERT_TRUE(store->UpdateEvent(u).ok());

  auto ev = store->Events("", 0, 10);
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->size(), 1u);
  const EventRecord& e = (*ev)[0];
  EXPECT_EQ(e.status, "ready");
  EXPECT_EQ(e.applied_at, 104.5);
  EXPECT_EQ(e.ready_at, 160.25);
  EXPECT_EQ(e.message, "3 → 5, ready after 60 s");
  EXPECT_EQ(e.group, "web");
  EXPECT_EQ(e.kind, "scale");
  EXPECT_EQ(e.at, 100);
  EXPECT_EQ(e.from, 3);
  EXPECT_EQ(e.to, 5);
}

TEST_F(RecordsTest, UpdatingAnUnknownEventIsNotFoundNamingTheId) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EventRecord e = Event("web", 1, "scale");
  e.id = 4242;
  Status s = store->UpdateEvent(e);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("4242"), std::string::npos) << s.message();
}

TEST_F(RecordsTest, StateSaveLoadOverwritePerGroup) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  auto missing = store->LoadState("web");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  ASSERT_TRUE(store->SaveState("web", 100, R"({"replicas":3})").ok());
  ASSERT_TRUE(store->SaveState("api", 100, R"({"replicas":9})").ok());
  ASSERT_TRUE(store->SaveState("web", 115, R"({"replicas":4})").ok());

  auto web = store->LoadState("web");
  ASSERT_TRUE(web.ok());
  ASSERT_TRUE(web->has_value());
  EXPECT_EQ(**web, R"({"replicas":4})");
  auto api = store->LoadState("api");
  ASSERT_TRUE(api.ok() && api->has_value());
  EXPECT_EQ(**api, R"({"replicas":9})");
}

TEST_F(RecordsTest, WriteBatchWritesSamplesDecisionsAndStates) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Batch b;
  b.at = 100;
  b.samples = {{"web", "cpu", 100, 0.5}, {"api", "cpu", 100, 0.25}};
  b.decisions = {Decision("web", 100, 4), Decision("api", 100, 2)};
  b.states = {{"web", "{\"w\":1}"}, {"api", "{\"a\":1}"}};
  ASSERT_TRUE(store->WriteBatch(b).ok());

  auto h = store->History("api", "cpu", 0, 1000);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].value, 0.25);
  auto d = store->RecentDecisions("web", 10);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->size(), 1u);
  EXPECT_EQ((*d)[0].desired, 4);
  auto st = store->LoadState("api");
  ASSERT_TRUE(st.ok() && st->has_value());
  EXPECT_EQ(**st, "{\"a\":1}");
}

}  // namespace
}  // namespace tide::store
