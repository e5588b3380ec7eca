// frontend/flag_filter: compile-database flags that would load code or write
// files never reach libclang; everything else does, in order.
#include <gtest/gtest.h>

#include "frontend/flag_filter.hpp"

using namespace mcp_lint;

namespace {

using Args = std::vector<std::string>;

std::vector<std::string> dropped_texts(const FilteredFlags& f) {
  std::vector<std::string> out;
  for (const auto& d : f.dropped) out.push_back(d.flag);
  return out;
}

TEST(FlagFilter, KeepsWhatShapesTheParse) {
  const Args args{"-Iinclude", "-isystem", "/usr/include/x", "-DNAME=1", "-std=c++20", "-include", "pre.h",
                  "-Xclang", "-fno-pch-timestamp", "-objcmt-migrate-literals", "-Wp,-DX=1", "-fno-exceptions"};
  const auto f = filter_database_flags(args);
  EXPECT_EQ(f.kept, args);
  EXPECT_TRUE(f.dropped.empty());
}

TEST(FlagFilter, DropsCodeLoadingFlagsWithTheirValues) {
  const auto f = filter_database_flags({"-fplugin=/x/evil.so", "-O2", "-fpass-plugin=p.so", "-Xclang", "-load", "-Xclang",
                                        "x.so", "-Xclang", "-plugin-arg-evil", "-Xclang", "arg", "-Xclang=-add-plugin",
                                        "-Xclang=evil", "-DKEEP"});
  EXPECT_EQ(f.kept, (Args{"-O2", "-DKEEP"}));
  EXPECT_EQ(dropped_texts(f), (Args{"-fplugin=/x/evil.so", "-fpass-plugin=p.so", "-Xclang -load -Xclang x.so",
                                    "-Xclang -plugin-arg-evil -Xclang arg", "-Xclang -add-plugin -Xclang=evil"}));
  for (const auto& d : f.dropped) EXPECT_EQ(d.reason, "loads code into the parser") << d.flag;
}

TEST(FlagFilter, DropsFileWritingFlagsRoutineOnesSilently) {
  const auto f = filter_database_flags({"-c", "-o", "a.o", "-oa2.o", "-MD", "-MT", "t", "-MF", "a.d", "-MFb.d", "-MMD", "-MP",
                                        "-MJ", "cdb.json", "-Wp,-MD,k.d", "-Xpreprocessor", "-MF", "-Xpreprocessor", "x.d",
                                        "--serialize-diagnostics", "a.dia", "-save-temps=obj", "-ftime-trace=t.json",
                                        "-fcrash-diagnostics-dir=/tmp/c", "-fmodules", "-fmodules-cache-path=/tmp/m",
                                        "-Xclang", "-emit-pch", "-Xclang", "-dependency-file", "-Xclang", "x.d",
                                        "-fdiagnostics-color=always", "-I."});
  EXPECT_EQ(f.kept, (Args{"-I."}));
  EXPECT_EQ(dropped_texts(f),
            (Args{"-MJ cdb.json", "-Wp,-MD,k.d", "-Xpreprocessor -MF -Xpreprocessor x.d", "--serialize-diagnostics a.dia",
                  "-save-temps=obj", "-ftime-trace=t.json", "-fcrash-diagnostics-dir=/tmp/c", "-fmodules",
                  "-fmodules-cache-path=/tmp/m", "-Xclang -emit-pch", "-Xclang -dependency-file -Xclang x.d"}));
}

TEST(FlagFilter, FlagKindGroupsOneWarningPerOption) {
  EXPECT_EQ(flag_kind("-fplugin=/x/evil.so"), "-fplugin=");
  EXPECT_EQ(flag_kind("-MJ cdb.json"), "-MJ");
  EXPECT_EQ(flag_kind("-MJcdb.json"), "-MJ");
  EXPECT_EQ(flag_kind("-Xclang -load -Xclang x.so"), "-Xclang -load");
  EXPECT_EQ(flag_kind("-Xclang=-load -Xclang=x.so"), "-Xclang=-load");
  EXPECT_EQ(flag_kind("-Wp,-MD,k.d"), "-Wp,");
  EXPECT_EQ(flag_kind("-save-temps"), "-save-temps");
  EXPECT_EQ(flag_kind("--serialize-diagnostics a=b.dia"), "--serialize-diagnostics");
}

}  // namespace
