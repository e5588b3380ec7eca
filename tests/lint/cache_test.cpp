// The result cache (lint/cache/) through run_lint: hits give the findings a
// fresh parse gives; a changed header invalidates exactly its includers; a
// created missing header, another feature catalog or other options miss; an
// entry serves a run with fewer packs than the one that wrote it; unusable
// entries are ignored and rewritten; the size bound holds.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cache/cache_key.hpp"
#include "cache/digest.hpp"
#include "frontend/include_probe.hpp"
#include "lint_test_support.hpp"

using namespace lint_test;
using namespace mcp_lint;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSampling = "const char* m = \"sampling/createMessage\";\n";

// a.cpp and b.cpp include h.hpp; c.cpp includes nothing of the project.
struct Project {
  TempDir src, cache;
  RuleSet rules = load_rule_dir(test_pack_dir());
  Project() {
    src.write("h.hpp", "#pragma once\ninline int helper() { return 1; }\n");
    src.write("a.cpp", std::string("#include \"h.hpp\"\n") + kSampling);
    src.write("b.cpp", "#include \"h.hpp\"\nint b() { return helper(); }\n");
    src.write("c.cpp", kSampling);
  }
  LintResult run(bool cached = true, bool infer = true, std::uint64_t max_bytes = 0) const {
    LintOptions o;
    o.paths = {src.path()};
    o.jobs = 2;
    o.infer = infer;
    o.display_base = src.path();
    if (cached) o.cache_dir = cache.path() + "/c";
    o.cache_max_bytes = max_bytes;
    return run_lint(o, rules);
  }
  std::vector<fs::path> entries() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(cache.path() + "/c"))
      if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
};

// Everything a reporter prints of a result.
nlohmann::json printed(const LintResult& r) {
  nlohmann::json j{{"units", r.units}, {"errors", r.units_with_errors}, {"failed", r.units_failed}};
  for (const auto& f : r.findings) j["findings"].push_back(finding_to_json(f));
  for (const auto& p : r.problems) j["problems"].push_back({p.file, p.message});
  return j;
}

std::vector<std::string> files_with_findings(const LintResult& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.file);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

TEST(Cache, SecondRunIsAllHitsAndPrintsTheSame) {
  Project p;
  const auto fresh = p.run(false);
  const auto first = p.run();
  EXPECT_EQ(first.cache.hits, 0u);
  EXPECT_EQ(first.cache.misses, 3u);
  EXPECT_EQ(first.cache.stored, 3u);
  EXPECT_EQ(p.entries().size(), 3u);
  const auto second = p.run();
  EXPECT_EQ(second.cache.hits, 3u);
  EXPECT_EQ(second.cache.misses, 0u);
  EXPECT_EQ(second.cache.stored, 0u);
  EXPECT_EQ(printed(fresh), printed(first));
  EXPECT_EQ(printed(first), printed(second));
  EXPECT_EQ(files_with_findings(second), (std::vector<std::string>{"a.cpp", "c.cpp"}));
}

TEST(Cache, ChangedHeaderInvalidatesExactlyTheUnitsIncludingIt) {
  Project p;
  p.run();
  p.src.write("h.hpp", std::string("#pragma once\ninline int helper() { return 1; }\n") + "inline " + kSampling);
  const auto after = p.run();
  EXPECT_EQ(after.cache.hits, 1u);  // c.cpp
  EXPECT_EQ(after.cache.invalidated, 2u);
  EXPECT_EQ(after.cache.stored, 2u);
  EXPECT_EQ(files_with_findings(after), (std::vector<std::string>{"a.cpp", "c.cpp", "h.hpp"}));
  EXPECT_EQ(printed(after), printed(p.run(false)));
  EXPECT_EQ(p.run().cache.hits, 3u);
}

TEST(Cache, MainFileEditIsAMissOfThatUnitOnly) {
  Project p;
  p.run();
  p.src.write("b.cpp", std::string("#include \"h.hpp\"\n") + kSampling);
  const auto after = p.run();
  EXPECT_EQ(after.cache.hits, 2u);
  EXPECT_EQ(after.cache.misses, 1u);
  EXPECT_EQ(after.cache.invalidated, 0u);  // a new key, not a stale manifest
  EXPECT_EQ(files_with_findings(after), (std::vector<std::string>{"a.cpp", "b.cpp", "c.cpp"}));
}

TEST(Cache, CreatingAMissingHeaderInvalidatesTheUnit) {
  Project p;
  p.src.write("d.cpp", "#include \"later.hpp\"\nint d = LATER;\n");
  const auto before = p.run();
  EXPECT_EQ(before.units_with_errors, 1u);
  EXPECT_EQ(p.run().cache.hits, 4u);
  p.src.write("later.hpp", std::string("#define LATER 1\n") + kSampling);
  const auto after = p.run();
  EXPECT_EQ(after.cache.invalidated, 1u);
  EXPECT_EQ(after.units_with_errors, 0u);
  EXPECT_EQ(printed(after), printed(p.run(false)));
}

TEST(Cache, UnusableEntriesAreIgnoredLoggedAndRewritten) {
  Project p;
  const auto first = p.run();
  auto entries = p.entries();
  ASSERT_EQ(entries.size(), 3u);
  const std::string valid = read_file(entries[1].string());
  std::ofstream(entries[0], std::ios::trunc) << valid.substr(0, valid.size() / 2);  // truncated
  // Another unit's entry under this key (a foreign entry).
  std::ofstream(entries[1], std::ios::trunc) << read_file(entries[2].string());
  // Well-formed entry whose payload names a rule the packs do not have.
  auto doc = nlohmann::json::parse(read_file(entries[2].string()));
  doc["payload"]["hits"] = nlohmann::json::array({nlohmann::json::array({"test/no-such-rule", "/x.cpp", 1, 1})});
  std::ofstream(entries[2], std::ios::trunc) << doc.dump();
  const auto second = p.run();
  EXPECT_EQ(second.cache.hits, 0u);
  EXPECT_EQ(second.cache.corrupt, 3u);
  EXPECT_EQ(second.cache.notes.size(), 3u);
  EXPECT_EQ(second.cache.stored, 3u);
  EXPECT_EQ(printed(first), printed(second));
  const auto third = p.run();
  EXPECT_EQ(third.cache.hits, 3u);
  EXPECT_EQ(printed(first), printed(third));
}

TEST(Cache, DamagedFactsAreAMissNotACrash) {
  Project p;
  const auto first = p.run();
  for (const auto& e : p.entries()) {
    auto doc = nlohmann::json::parse(read_file(e.string()));
    doc["payload"]["facts"]["refs"] = nlohmann::json::array({{{"target", "x"}, {"in_function", ""}, {"at", {99, 1, 1}}}});
    std::ofstream(e, std::ios::trunc) << doc.dump();
  }
  const auto second = p.run();
  EXPECT_EQ(second.cache.corrupt, 3u);
  EXPECT_EQ(printed(first), printed(second));
}

TEST(Cache, OtherCatalogOrOptionsAreOtherEntries) {
  Project p;
  const std::string salt_test = cache::run_salt(p.rules.features, {p.src.path()}, true);
  EXPECT_NE(salt_test, cache::run_salt(p.rules.features, {p.src.path()}, false));
  EXPECT_NE(salt_test, cache::run_salt(p.rules.features, {p.src.path() + "/a.cpp"}, true));
  EXPECT_EQ(salt_test, cache::run_salt(p.rules.features, {p.src.path()}, true));
  // The packs are not in the key; the feature catalog is, words included
  // (they choose the variant parses).
  RuleSet other_words = p.rules;
  ASSERT_TRUE(other_words.features.features.at(0).inference.has_value());
  other_words.features.features.at(0).inference->words.push_back("zebra");
  EXPECT_NE(salt_test, cache::run_salt(other_words.features, {p.src.path()}, true));

  p.run();
  EXPECT_EQ(p.run(true, /*infer=*/false).cache.hits, 0u);
  EXPECT_EQ(p.run().cache.hits, 3u);
  EXPECT_EQ(p.entries().size(), 6u);
}

// What tests/lint/measure_corpus.sh relies on: the run with every pack
// parses, the run without the SDK packs is all hits and prints what an
// uncached run without them prints; a changed pack is a miss.
TEST(Cache, AnEntryServesEveryRunWhosePacksItHolds) {
  Project p;
  p.src.write("d.cpp", "namespace mcp { struct sse_client {}; }\nmcp::sse_client client;\n");  // sdk-cpp-mcp's
  const RuleSet all = load_rule_dir(rules_dir());
  RuleSet without_sdk = all;
  std::erase_if(without_sdk.packs, [](const Pack& pk) { return pk.id.rfind("sdk-", 0) == 0; });
  std::erase_if(without_sdk.rules, [](const Rule& r) { return r.pack.rfind("sdk-", 0) == 0; });
  ASSERT_LT(without_sdk.packs.size(), all.packs.size());
  ASSERT_FALSE(without_sdk.packs.empty());

  p.rules = without_sdk;
  const auto fresh_without = p.run(false);
  p.rules = all;
  const auto fresh_all = p.run(false);
  ASSERT_GT(fresh_all.findings.size(), fresh_without.findings.size());
  const auto first = p.run();
  EXPECT_EQ(first.cache.stored, 4u);
  EXPECT_EQ(printed(first), printed(fresh_all));

  p.rules = without_sdk;
  const auto fewer = p.run();
  EXPECT_EQ(fewer.cache.hits, 4u);
  EXPECT_EQ(fewer.cache.stored, 0u);
  EXPECT_EQ(printed(fewer), printed(fresh_without));

  // Back to every pack: the entries still hold them all.
  p.rules = all;
  EXPECT_EQ(p.run().cache.hits, 4u);
  // A pack whose rules changed: its hits are not in any entry.
  RuleSet changed = all;
  changed.rules.front().message += " (reworded)";
  p.rules = changed;
  const auto after = p.run();
  EXPECT_EQ(after.cache.hits, 0u);
  EXPECT_EQ(after.cache.invalidated, 4u);
  EXPECT_EQ(after.cache.stored, 4u);
}

TEST(Cache, EvictionRemovesTheLeastRecentlyUsedFirst) {
  TempDir dir;
  cache::ResultCache writer(dir.path(), 0);
  cache::Entry entry;
  entry.payload = {{"pad", std::string(1000, 'x')}};
  const std::vector<std::string> keys{"aa01", "bb02", "cc03"};
  for (const auto& k : keys) writer.store(k, "/u.cpp", entry);
  const auto size = fs::file_size(writer.entry_path("aa01"));
  const auto now = fs::file_time_type::clock::now();
  fs::last_write_time(writer.entry_path("aa01"), now - std::chrono::hours(3));
  fs::last_write_time(writer.entry_path("bb02"), now - std::chrono::hours(1));
  fs::last_write_time(writer.entry_path("cc03"), now - std::chrono::hours(2));

  cache::ResultCache two(dir.path(), 2 * size);
  two.evict();
  EXPECT_EQ(two.stats().evicted, 1u);
  EXPECT_FALSE(fs::exists(writer.entry_path("aa01")));
  EXPECT_TRUE(fs::exists(writer.entry_path("bb02")));

  // A hit makes an entry the most recently used one.
  cache::FileHashes hashes;
  EXPECT_TRUE(two.load("cc03", "/u.cpp", hashes).has_value());
  cache::ResultCache one(dir.path(), size);
  one.evict();
  EXPECT_FALSE(fs::exists(writer.entry_path("bb02")));
  EXPECT_TRUE(fs::exists(writer.entry_path("cc03")));
  EXPECT_TRUE(fs::exists(dir.path() + "/CACHEDIR.TAG"));  // not an entry, never evicted
}

TEST(Cache, ARunLeavesTheCacheWithinItsBound) {
  Project p;
  const auto r = p.run(true, true, /*max_bytes=*/1);
  EXPECT_EQ(r.cache.stored, 3u);
  EXPECT_EQ(r.cache.evicted, 3u);
  EXPECT_TRUE(p.entries().empty());
  EXPECT_EQ(p.run().cache.hits, 0u);
}

TEST(Cache, AnUnwritableCacheDirectoryIsNotedAndTheRunGoesOn) {
  Project p;
  p.cache.write("c", "a file where the directory should be");
  const auto r = p.run();
  EXPECT_EQ(r.cache.stored, 0u);
  EXPECT_FALSE(r.cache.notes.empty());
  EXPECT_EQ(printed(r), printed(p.run(false)));
}

TEST(Digest, Sha256OfKnownVectorsAndFields) {
  EXPECT_EQ(cache::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  cache::Sha256 ab_c, a_bc;
  ab_c.field("ab");
  ab_c.field("c");
  a_bc.field("a");
  a_bc.field("bc");
  EXPECT_NE(ab_c.hex(), a_bc.hex());
  TempDir tmp;
  EXPECT_EQ(cache::sha256_file(tmp.write("f", "abc")), cache::sha256_hex("abc"));
  EXPECT_EQ(cache::sha256_file(tmp.path() + "/absent"), "");
  EXPECT_EQ(cache::sha256_file(tmp.path()), "");  // a directory
}

TEST(IncludeProbe, IncludeDirectoriesOfArguments) {
  EXPECT_EQ(include_dirs_of({"-Iinc", "-I", "/abs", "-isystem", "sys", "-iquote/q", "-working-directory", "/w", "-DX"}),
            (std::vector<std::string>{"/w/inc", "/abs", "/w/sys", "/q"}));
}

}  // namespace
