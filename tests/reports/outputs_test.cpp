#include "reports/outputs.h"

#include <catch2/catch.hpp>

#include "reports/csv.h"
#include "reports/graphviz.h"
#include "reports/html_report.h"
#include "reports/summary.h"
#include "tests/reports/run_result_builder.h"

using namespace ecsim;
using namespace ecsim::reports;
using namespace ecsim::reports::testing;

namespace {
const RunStats kStats{.wall_seconds = 0.5, .events = 10, .placements = 3, .peak_rss_mib = 20};
const std::vector<std::string> kAllFiles = {"cluster.dot", "cluster.svg", "instance-events.csv", "instances.csv", "markers.csv", "report.html",
                                            "run.json", "service-events.csv", "summary.json", "tasks.csv",
                                            "timeseries-by-capacity-provider.csv", "timeseries-by-service.csv",
                                            "timeseries-by-type.csv", "timeseries-by-zone.csv", "timeseries.csv"};
const std::vector<std::string> kWithoutHtml = {"cluster.dot", "cluster.svg", "instance-events.csv", "instances.csv", "markers.csv", "run.json",
                                               "service-events.csv", "summary.json", "tasks.csv",
                                               "timeseries-by-capacity-provider.csv", "timeseries-by-service.csv",
                                               "timeseries-by-type.csv", "timeseries-by-zone.csv", "timeseries.csv"};

// The CSVs of `dir` as summary.json lists them.
OutputManifest manifest_of(const std::filesystem::path& dir) {
  OutputManifest m;
  for (const std::string_view name : kRunCsvFiles) m.add(name, digest_file(dir / name));
  return m;
}

ClusterPictureOptions with_id(const std::string& run_id) {
  ClusterPictureOptions o;
  o.run_id = run_id;
  return o;
}
}  // namespace

TEST_CASE("outputs: writes exactly the listed files and report.html, creating the directory", "[reports]") {
  ScratchDir scratch;
  const auto dir = scratch.path() / "a" / "b";
  const sim::RunResult r = small_run();
  const std::string run_id = write_outputs(r, kStats, dir);
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == kAllFiles);
  // The page embeds the cluster picture that is also written beside it.
  // Each carries the run identity derived from the CSVs' contents.
  const OutputManifest manifest = manifest_of(dir);
  CHECK(run_id == manifest.run_id());
  CHECK(read_file(dir / "cluster.dot") == cluster_dot(r, with_id(run_id)));
  CHECK(read_file(dir / "cluster.svg") == cluster_svg(r, with_id(run_id)));
  CHECK(read_file(dir / "report.html") == html_report(r, cluster_svg(r, with_id(run_id)), run_id));
  CHECK(read_file(dir / "summary.json") == summary_json(r, &manifest));
  CHECK_THAT(read_file(dir / "summary.json"), Catch::Contains("\"runId\": \"" + run_id + "\""));
  CHECK_THAT(read_file(dir / "run.json"), Catch::Contains("\"runId\": \"" + run_id + "\""));
  CHECK_THAT(read_file(dir / "cluster.svg"), Catch::Contains("<!-- ecsim run " + run_id + " -->"));
  CHECK_THAT(read_file(dir / "report.html"), Catch::Contains("<meta name=\"ecsim-run-id\" content=\"" + run_id + "\"/>"));
  CHECK(read_file(dir / "tasks.csv") == tasks_csv(r));
  CHECK(read_file(dir / "instances.csv") == instances_csv(r));
  CHECK(read_file(dir / "timeseries.csv") == timeseries_csv(r));
  CHECK(read_file(dir / "timeseries-by-zone.csv") == zone_timeseries_csv(r));
  CHECK(read_file(dir / "timeseries-by-type.csv") == type_timeseries_csv(r));
  CHECK(read_file(dir / "timeseries-by-service.csv") == service_timeseries_csv(r));
  CHECK(read_file(dir / "service-events.csv") == service_events_csv(r));
  CHECK(read_file(dir / "markers.csv") == markers_csv(r));
  CHECK_THAT(read_file(dir / "run.json"), Catch::Contains("\"wallSeconds\": 0.5,\n"));
}

TEST_CASE("outputs: two runs of one result give byte-identical files, run.json aside", "[reports]") {
  ScratchDir scratch;
  const sim::RunResult r = small_run();
  write_outputs(r, kStats, scratch.path() / "1");
  write_outputs(r, RunStats{.wall_seconds = 9, .events = 10, .placements = 3, .peak_rss_mib = 99},
                scratch.path() / "2");
  for (const char* name : {"summary.json", "tasks.csv", "instances.csv", "timeseries.csv", "timeseries-by-zone.csv",
                           "timeseries-by-type.csv", "timeseries-by-service.csv", "service-events.csv", "markers.csv",
                           "cluster.dot", "cluster.svg", "report.html"}) {
    INFO(name);
    CHECK(read_file(scratch.path() / "1" / name) == read_file(scratch.path() / "2" / name));
  }
}

TEST_CASE("outputs: rewriting a directory replaces the files and adds nothing", "[reports]") {
  ScratchDir scratch;
  write_outputs(small_run(), kStats, scratch.path());
  RunResultBuilder b;
  write_outputs(b.build(), kStats, scratch.path());
  CHECK(scratch.entries() == kAllFiles);
  const OutputManifest manifest = manifest_of(scratch.path());
  CHECK(read_file(scratch.path() / "summary.json") == summary_json(b.build(), &manifest));
}

TEST_CASE("outputs: without html every file but report.html is written, the cluster pictures too", "[reports]") {
  ScratchDir scratch;
  write_outputs(small_run(), kStats, scratch.path(), false);
  CHECK(scratch.entries() == kWithoutHtml);
}

TEST_CASE("outputs: write_report writes the pictures and report.html, the bytes write_outputs writes", "[reports]") {
  ScratchDir scratch;
  const sim::RunResult r = small_run();
  const std::string run_id = write_outputs(r, kStats, scratch.path() / "full");
  write_report(r, scratch.path(), with_id(run_id));
  CHECK(scratch.entries() == std::vector<std::string>{"cluster.dot", "cluster.svg", "full", "report.html"});
  for (const char* name : {"cluster.dot", "cluster.svg", "report.html"}) {
    INFO(name);
    CHECK(read_file(scratch.path() / name) == read_file(scratch.path() / "full" / name));
  }
  // A bad result writes nothing.
  sim::RunResult bad = r;
  bad.tasks.rejected[0] = 1;
  CHECK_THROWS_WITH(write_report(bad, scratch.path() / "full"), "RunResult: tasks.rejected[0] is set on a placed task");
  CHECK(read_file(scratch.path() / "full" / "report.html") == html_report(r, cluster_svg(r, with_id(run_id)), run_id));
}

TEST_CASE("outputs: an inconsistent result writes nothing at all", "[reports]") {
  ScratchDir scratch;
  sim::RunResult r = small_run();
  r.tasks.rejected[0] = 1;  // t1 was placed
  CHECK_THROWS_WITH(write_outputs(r, kStats, scratch.path() / "out"),
                    "RunResult: tasks.rejected[0] is set on a placed task");
  CHECK(scratch.entries().empty());
}

TEST_CASE("outputs: a file in place of the directory is an error naming it", "[reports]") {
  ScratchDir scratch;
  const auto dir = scratch.path() / "out";
  write_file_atomically(dir, std::string_view("not a directory"));
  CHECK_THROWS_AS(write_outputs(small_run(), kStats, dir), std::runtime_error);
  CHECK(read_file(dir) == "not a directory");
  CHECK(scratch.entries() == std::vector<std::string>{"out"});
}
