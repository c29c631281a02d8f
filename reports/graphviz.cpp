#include "reports/graphviz.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <iterator>
#include <map>
#include <set>
#include <memory>
#include <new>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <gvc.h>
#include <gvplugin.h>

#include "reports/format.h"

// The two Graphviz plugins ecsim uses, linked in (CMakeLists.txt) rather than found through
// Graphviz's plugin config file: `dot_layout` lays out, `core` renders SVG. Nothing else (no
// pango text layout, no cairo, no gd) so that the output depends on no installed font or plugin.
extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
}

// Graphviz 2.42's dot layout and HTML-label parser leak a little on every layout (the virtual
// nodes and edges of cluster skeletons in class1/class2/build_skeleton, and htmlparse's
// lists): fixed in later Graphviz releases, and nothing a caller can free. In sanitizer builds
// LeakSanitizer is told to ignore leaks allocated inside these two libraries, and only those:
// allocations of ecsim's own code never pass through them. Built into every binary that links
// this file, so `ecsim` under ASan (tools/compare-builds.sh) and the tests need no
// LSAN_OPTIONS.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define ECSIM_LSAN_GRAPHVIZ 1
#endif
#endif
#if !defined(ECSIM_LSAN_GRAPHVIZ) && defined(__SANITIZE_ADDRESS__)
#define ECSIM_LSAN_GRAPHVIZ 1
#endif
#ifdef ECSIM_LSAN_GRAPHVIZ
extern "C" __attribute__((visibility("default"), used)) const char* __lsan_default_suppressions() {
  return "leak:libgvc.so\n"
         "leak:libgvplugin_dot_layout.so\n";
}
// And not to list the suppressions it used on stderr at exit: `ecsim` prints nothing on
// stderr when all goes well, sanitized or not. LSAN_OPTIONS still overrides this.
extern "C" __attribute__((visibility("default"), used)) const char* __lsan_default_options() {
  return "print_suppressions=0";
}
#endif

namespace ecsim::reports {
namespace {

// --- libgvc sessions ---------------------------------------------------------------------------

// The preloaded plugin table gvContextPlugins() takes (libltdl's lt_symlist_t layout).
lt_symlist_t kPlugins[] = {
    {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
    {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
    {nullptr, nullptr},
};

std::string* g_messages = nullptr;

int capture_message(char* text) {
  if (g_messages != nullptr && text != nullptr) g_messages->append(text);
  return 0;
}

// Routes Graphviz's messages (agerr) to a string instead of stderr for its lifetime, and
// restores the previous handler after.
class MessageCapture {
 public:
  MessageCapture() : previous_handler_(agseterrf(&capture_message)), previous_level_(agseterr(AGWARN)) {
    g_messages = &messages_;
    agreseterrors();
  }
  ~MessageCapture() {
    g_messages = nullptr;
    agseterrf(previous_handler_);
    agseterr(previous_level_);
  }
  MessageCapture(const MessageCapture&) = delete;
  MessageCapture& operator=(const MessageCapture&) = delete;

  bool error_seen() const { return agerrors() >= AGERR; }

  [[noreturn]] void fail(const std::string& what) const {
    std::string text = messages_;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    throw std::runtime_error("Graphviz: " + what + (text.empty() ? std::string() : ": " + text));
  }

 private:
  std::string messages_;
  agusererrf previous_handler_;
  agerrlevel_t previous_level_;
};

struct ContextDeleter {
  void operator()(GVC_t* gvc) const { gvFreeContext(gvc); }
};
struct GraphDeleter {
  void operator()(Agraph_t* g) const { agclose(g); }
};

// Object ids in creation order. libcgraph's default id discipline (AgIdDisc, which agmemread
// uses) makes a named object's id the address of its interned name, and libcgraph 2.42 keeps
// subgraphs ordered by id only: the zone clusters came out of the SVG in a different order
// from one call to the next. Here a name's id is 2, 4, 6... in the order names are first
// created (even, as the default's are; anonymous objects get odd ids from their own counter),
// so layout and rendering walk subgraphs in file order.
struct IdState {
  std::unordered_map<std::string, IDTYPE> ids;
  std::deque<std::string> names;  // names[id / 2 - 1]; a deque keeps c_str() stable
  IDTYPE next_anonymous = 1;
};

void* id_open(Agraph_t*, Agdisc_t*) { return new (std::nothrow) IdState; }

long id_map(void* state, int, char* str, IDTYPE* id, int createflag) {
  auto* s = static_cast<IdState*>(state);
  if (str == nullptr) {
    *id = s->next_anonymous;
    s->next_anonymous += 2;
    return 1;
  }
  try {
    const auto found = s->ids.find(str);
    if (found != s->ids.end()) {
      *id = found->second;
    } else if (createflag != 0) {
      s->names.emplace_back(str);
      *id = 2 * static_cast<IDTYPE>(s->names.size());
      s->ids.emplace(str, *id);
    } else {
      *id = 0;  // as AgIdDisc answers for a name never created: no object has id 0
    }
    return 1;
  } catch (...) {  // bad_alloc must not unwind through C
    return 0;
  }
}

long id_alloc(void*, int, IDTYPE) { return 0; }  // no ids chosen by the caller, as AgIdDisc

void id_free(void*, int, IDTYPE) {}  // names live until the graph closes

char* id_print(void* state, int, IDTYPE id) {
  auto* s = static_cast<IdState*>(state);
  if (id % 2 != 0 || id == 0 || id / 2 > s->names.size()) return nullptr;  // anonymous
  return s->names[static_cast<std::size_t>(id / 2 - 1)].data();
}

void id_close(void* state) { delete static_cast<IdState*>(state); }

void id_register(void*, int, void*) {}

Agiddisc_t kIdDisc = {id_open, id_map, id_alloc, id_free, id_print, id_close, id_register};

// DOT text handed to libcgraph's parser a line at a time, as agmemread does.
struct TextReader {
  std::string_view text;
  std::size_t at = 0;
};

int read_text(void* chan, char* buf, int bufsize) {
  auto* r = static_cast<TextReader*>(chan);
  int n = 0;
  while (n < bufsize && r->at < r->text.size()) {
    const char c = r->text[r->at++];
    buf[n++] = c;
    if (c == '\n') break;
  }
  return n;
}

Agiodisc_t kTextIo = {read_text, nullptr, nullptr};

// Parses `dot`; throws with Graphviz's messages when it does not parse.
std::unique_ptr<Agraph_t, GraphDeleter> read_graph(std::string_view dot, const MessageCapture& capture) {
  kTextIo.putstr = AgIoDisc.putstr;  // writing is never used; kept valid all the same
  kTextIo.flush = AgIoDisc.flush;
  Agdisc_t disc = {&AgMemDisc, &kIdDisc, &kTextIo};
  TextReader reader{dot, 0};
  std::unique_ptr<Agraph_t, GraphDeleter> g(agread(&reader, &disc));
  if (!g || capture.error_seen()) capture.fail("cannot read the DOT text");
  return g;
}

// --- text ----------------------------------------------------------------------------------------

// Length of the valid UTF-8 sequence starting at s[i] (Unicode 15, table 3-7), or 0.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  const unsigned c = byte(i);
  const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    const unsigned b = byte(k);
    return b >= lo && b <= hi;
  };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c == 0xE0) return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0;
  if (c == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;
  if (c >= 0xE1 && c <= 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (c == 0xF0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c == 0xF4) return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

// At most `max_bytes` of `s` cut at a character boundary, with "…" when cut: node labels stay
// readable whatever the names.
std::string shorten(std::string_view s, std::size_t max_bytes = 40) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "\u2026";
}

// A name as label text: shortened, then escaped. The only way a name enters a label.
std::string name_text(std::string_view name, std::size_t max_bytes = 40) {
  return dot_html_text(shorten(name, max_bytes));
}

// The first row of a node: a size larger, not bold (see the cluster title).
std::string heading(const std::string& text) { return "<FONT POINT-SIZE=\"11\">" + text + "</FONT>"; }

std::string count_text(std::int64_t n) { return std::to_string(n); }

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return count_text(n) + " " + std::string(n == 1 ? one : many);
}

// "05:10:00", "2d 05:10:00", "00:00:01.5": time since the start of the run.
std::string instant_text(sim::SimTime t) {
  if (t < 0) return format_seconds(t) + " s";
  const sim::SimTime days = t / sim::kDay;
  const sim::SimTime rest = t % sim::kDay;
  const auto two = [](sim::SimTime v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  std::string out = days > 0 ? std::to_string(days) + "d " : "";
  out += two(rest / sim::kHour) + ":" + two(rest % sim::kHour / sim::kMinute) + ":" +
         two(rest % sim::kMinute / sim::kSecond);
  const sim::SimTime micros = rest % sim::kSecond;
  if (micros != 0) {
    const std::string fraction = format_seconds(micros);  // "0.5"
    out += fraction.substr(1);
  }
  return out;
}

// "200ms", "90s", "1.5s", "30m", "2h": durations in scenario terms.
std::string duration_text(sim::SimTime d) {
  if (d == sim::kNever) return "to the end";
  if (d >= sim::kHour && d % sim::kHour == 0) return std::to_string(d / sim::kHour) + "h";
  if (d >= sim::kMinute && d % sim::kMinute == 0) return std::to_string(d / sim::kMinute) + "m";
  if (d >= sim::kSecond || d == 0) return format_seconds(d) + "s";
  if (d % sim::kMillisecond == 0) return std::to_string(d / sim::kMillisecond) + "ms";
  return std::to_string(d) + "us";
}

// --- the cluster picture ---------------------------------------------------------------------

// The colour ramp of graphviz.h: class 0 is idle, classes 1-5 are fifths of registered CPU.
constexpr const char* kRamp[] = {"#f7f7f7", "#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"};
constexpr const char* kRampText[] = {"0%", "&lt;20%", "20-40%", "40-60%", "60-80%", "80-100%"};
constexpr std::size_t kColumns = 6;  // instance nodes per row inside a zone
constexpr const char* kDownFill = "#bdbdbd";      // a disconnected instance's header
constexpr const char* kDownZoneFill = "#eeeeee";  // a zone whose instances are all down

int cpu_class(std::int64_t reserved, std::int64_t registered) {
  if (registered <= 0 || reserved <= 0) return 0;
  const std::int64_t fifth = reserved * 5 / registered;
  return 1 + static_cast<int>(std::min<std::int64_t>(fifth, 4));
}

const char* text_colour(int cls) { return cls >= 4 ? "white" : "black"; }

std::string pct_text(std::int64_t num, std::int64_t den) { return format_percent(num, den, 1) + "%"; }

// kDown: registered, but disconnected at the instant (an Availability Zone outage).
enum class InstanceState : std::uint8_t { kAbsent, kRegistering, kRegistered, kDown };

struct GroupCount {
  std::uint32_t group = 0;
  std::int64_t tasks = 0;
  std::int64_t starting = 0;
};

struct ZoneFigures {
  std::vector<std::uint32_t> present;  // registered or registering at the instant
  std::int64_t cpu_reserved = 0, cpu_registered = 0;
  std::int64_t registering = 0, gone = 0, down = 0;
};

// Per instance, whether its sim::RunResult::instance_events leave it disconnected (1) or
// terminated (2) at t: the state after every event at t, as the samples see it.
std::vector<std::uint8_t> down_at(const sim::RunResult& r, sim::SimTime t) {
  std::vector<std::uint8_t> out(r.instances.size(), 0);
  for (const sim::InstanceEvent& e : r.instance_events) {
    if (e.at > t) break;  // in time order (check_run_result)
    std::uint8_t& d = out[e.instance];
    switch (e.kind) {
      case sim::InstanceEventKind::kDisconnected: d = d == 2 ? 2 : 1; break;
      case sim::InstanceEventKind::kReconnected:
      case sim::InstanceEventKind::kRegistered: d = d == 2 ? 2 : 0; break;
      case sim::InstanceEventKind::kTerminated: d = 2; break;
      default: break;
    }
  }
  return out;
}

std::string instance_label(const sim::RunResult& r, std::uint32_t i, InstanceState state, std::int64_t cpu,
                           std::int64_t mem, const std::vector<GroupCount>& groups) {
  const sim::InstanceRecords& in = r.instances;
  const std::int64_t cpu_reg = in.cpu_registered[i];
  const std::int64_t mem_reg = in.memory_registered_mib[i];
  const bool registering = state == InstanceState::kRegistering;
  const bool down = state == InstanceState::kDown;
  const int cls = registering || down ? 0 : cpu_class(cpu, cpu_reg);
  const std::string fill = registering ? "#e0e0e0" : down ? kDownFill : kRamp[cls];
  const std::string font =
      std::string("<FONT COLOR=\"") + (registering || down ? "#555555" : text_colour(cls)) + "\">";
  std::string out = "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\" COLOR=\"#555555\"";
  out += registering ? " STYLE=\"dashed\">" : down ? " STYLE=\"dotted\">" : ">";
  const auto header = [&](const std::string& text) {
    out += "<TR><TD ALIGN=\"LEFT\" BGCOLOR=\"" + fill + "\">" + font + text + "</FONT></TD></TR>";
  };
  const std::string market = in.market[i] == sim::Market::kSpot ? "spot" : "on-demand";
  header(heading(name_text(in.id[i])));
  // vCPU = registered units / 1024, printed as a percentage of 102,400 units.
  header(name_text(r.instance_types[in.type[i]]) + " · " + market + " · " + format_percent(cpu_reg, 102400, 2) +
         " vCPU");
  if (registering) {
    header("registering");
  } else if (down) {
    header("disconnected (down)");
  } else {
    header("CPU " + pct_text(cpu, cpu_reg) + " · mem " + pct_text(mem, mem_reg));
  }
  std::int64_t other_tasks = 0, other_groups = 0;
  for (std::size_t k = 0; k < groups.size(); ++k) {
    // With more groups than rows, the last row sums up the smallest groups.
    if (groups.size() > kMaxGroupRows && k + 1 >= kMaxGroupRows) {
      other_tasks += groups[k].tasks;
      ++other_groups;
      continue;
    }
    std::string row = name_text(r.groups[groups[k].group]) + " ×" + count_text(groups[k].tasks);
    if (groups[k].starting > 0) row += " (" + count_text(groups[k].starting) + " starting)";
    out += "<TR><TD ALIGN=\"LEFT\">" + row + "</TD></TR>";
  }
  if (other_groups > 0) {
    out += "<TR><TD ALIGN=\"LEFT\">+" + plural(other_groups, "more group", "more groups") + " ×" +
           count_text(other_tasks) + "</TD></TR>";
  }
  if (groups.empty() && !registering && !down) out += "<TR><TD ALIGN=\"LEFT\"><I>no tasks</I></TD></TR>";
  out += "</TABLE>";
  return out;
}

}  // namespace

// --- text helpers (public) -------------------------------------------------------------------

std::string dot_html_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD: expat, Graphviz's HTML-label parser, refuses invalid UTF-8
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not XML 1.0 text (tab and newline are, but would only be
        // blanks inside a label); DEL is legal but invisible.
        out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
    }
    ++i;
  }
  return out;
}

std::string dot_quoted(std::string_view id) {
  std::string out = "\"";
  for (const char c : id) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string svg_for_html(std::string_view svg) {
  const std::size_t start = svg.find("<svg");
  if (start == std::string_view::npos) return std::string();
  std::string out;
  out.reserve(svg.size() - start);
  for (std::size_t i = start; i < svg.size();) {
    if (svg.compare(i, 4, "<!--") == 0) {
      const std::size_t end = svg.find("-->", i + 4);
      i = end == std::string_view::npos ? svg.size() : end + 3;
      if (i < svg.size() && svg[i] == '\n') ++i;
      continue;
    }
    out += svg[i++];
  }
  const std::size_t tag_end = out.find('>');
  std::string tag = out.substr(0, tag_end);
  if (out.find("xlink:", tag_end) == std::string::npos) {
    const std::string xlink = " xmlns:xlink=\"http://www.w3.org/1999/xlink\"";
    const std::size_t at = tag.find(xlink);
    if (at != std::string::npos) tag.erase(at, xlink.size());
  }
  tag += " style=\"max-width:100%;height:auto\"";
  return tag + out.substr(tag_end);
}

// --- libgvc (public) -------------------------------------------------------------------------

std::string render_dot_svg(std::string_view dot) {
  const MessageCapture capture;
  // demand_loading 0: only the preloaded plugins, never Graphviz's config file or dlopen.
  const std::unique_ptr<GVC_t, ContextDeleter> gvc(gvContextPlugins(kPlugins, 0));
  if (!gvc) capture.fail("cannot create a context");
  const auto g = read_graph(dot, capture);
  if (gvLayout(gvc.get(), g.get(), "dot") != 0 || capture.error_seen()) {
    gvFreeLayout(gvc.get(), g.get());
    capture.fail("layout failed");
  }
  char* data = nullptr;
  unsigned int length = 0;
  const int rc = gvRenderData(gvc.get(), g.get(), "svg", &data, &length);
  std::string svg = rc == 0 && data != nullptr ? std::string(data, length) : std::string();
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(gvc.get(), g.get());
  if (rc != 0 || svg.empty() || capture.error_seen()) capture.fail("SVG rendering failed");
  return svg;
}

DotCounts parse_dot_counts(std::string_view dot) {
  const MessageCapture capture;
  const auto g = read_graph(dot, capture);
  DotCounts c;
  c.nodes = static_cast<std::size_t>(agnnodes(g.get()));
  c.edges = static_cast<std::size_t>(agnedges(g.get()));
  for (Agraph_t* sub = agfstsubg(g.get()); sub != nullptr; sub = agnxtsubg(sub)) ++c.subgraphs;
  return c;
}

// --- the cluster picture (public) ------------------------------------------------------------

sim::SimTime cluster_picture_time(const sim::RunResult& r, const ClusterPictureOptions& o) {
  if (o.at != sim::kNever) return o.at;
  if (r.samples.empty()) return r.duration;
  // Highest reserved/registered, compared as fractions in integers; ties keep the earliest.
  std::size_t best = 0;
  const auto share = [&](std::size_t k) {
    const sim::Sample& s = r.samples[k];
    return s.cpu_registered > 0 ? std::pair<Int128, Int128>{s.cpu_reserved, s.cpu_registered}
                                : std::pair<Int128, Int128>{0, 1};
  };
  for (std::size_t k = 1; k < r.samples.size(); ++k) {
    const auto [num, den] = share(k);
    const auto [best_num, best_den] = share(best);
    if (num * best_den > best_num * den) best = k;
  }
  return r.samples[best].time;
}

const sim::ClusterPicture& cluster_picture_at(const sim::RunResult& r, sim::SimTime t, sim::ClusterPicture& scratch) {
  if (r.picture.at != sim::kNever && r.picture.at == t) {
    if (r.picture.cpu.size() == r.instances.size()) return r.picture;
    // Instances launched after the instant held nothing then.
    scratch = r.picture;
    scratch.cpu.resize(r.instances.size(), 0);
    scratch.memory_mib.resize(r.instances.size(), 0);
    return scratch;
  }
  const sim::TaskRecords& tasks = r.tasks;
  const std::size_t instances = r.instances.size();
  scratch = sim::ClusterPicture{};
  scratch.at = t;
  scratch.cpu.assign(instances, 0);
  scratch.memory_mib.assign(instances, 0);
  std::vector<std::pair<std::uint64_t, bool>> held;  // (instance << 32 | group, starting)
  for (std::size_t k = 0; k < tasks.size(); ++k) {
    const sim::InstanceIdx i = tasks.instance[k];
    if (i == sim::kNoInstance || tasks.placed_at[k] > t || tasks.stopped_at[k] <= t) continue;
    scratch.cpu[i] += tasks.cpu[k];
    scratch.memory_mib[i] += tasks.memory_mib[k];
    held.emplace_back(std::uint64_t{i} << 32 | tasks.group[k], tasks.started_at[k] > t);
  }
  std::sort(held.begin(), held.end());
  for (const auto& [key, starting] : held) {
    const auto i = static_cast<std::uint32_t>(key >> 32);
    const auto g = static_cast<std::uint32_t>(key & 0xFFFFFFFFu);
    if (scratch.held.empty() || scratch.held.back().instance != i || scratch.held.back().group != g) {
      scratch.held.push_back(sim::ClusterPicture::Held{i, g, 0, 0});
    }
    ++scratch.held.back().tasks;
    if (starting) ++scratch.held.back().starting;
  }
  return scratch;
}

std::string cluster_dot(const sim::RunResult& r, const ClusterPictureOptions& o) {
  const sim::SimTime t = cluster_picture_time(r, o);
  const sim::InstanceRecords& in = r.instances;
  const std::size_t instances = in.size();

  // What each instance holds at t, and its tasks by group: the engine's capture, or one pass over
  // the task records.
  sim::ClusterPicture scratch;
  const sim::ClusterPicture& picture = cluster_picture_at(r, t, scratch);
  const std::vector<std::int64_t>& cpu = picture.cpu;
  const std::vector<std::int64_t>& mem = picture.memory_mib;

  std::vector<InstanceState> state(instances, InstanceState::kAbsent);
  std::vector<ZoneFigures> zones(r.zones.size());
  std::int64_t cpu_reserved = 0, cpu_registered = 0;
  const std::vector<std::uint8_t> down = down_at(r, t);
  bool any_down = false;
  for (std::uint32_t i = 0; i < instances; ++i) {
    ZoneFigures& z = zones[in.zone[i]];
    const bool terminated = in.terminated_at[i] <= t || down[i] == 2;
    if (in.launched_at[i] > t || terminated) {
      if (terminated) ++z.gone;
      continue;
    }
    z.present.push_back(i);
    if (down[i] == 1) {
      // Its capacity is not counted (as in the samples); what its tasks still hold is.
      state[i] = InstanceState::kDown;
      ++z.down;
      any_down = true;
      z.cpu_reserved += cpu[i];
      cpu_reserved += cpu[i];
    } else if (in.registered_at[i] <= t) {
      state[i] = InstanceState::kRegistered;
      z.cpu_reserved += cpu[i];
      z.cpu_registered += in.cpu_registered[i];
      cpu_reserved += cpu[i];
      cpu_registered += in.cpu_registered[i];
    } else {
      state[i] = InstanceState::kRegistering;
      ++z.registering;
    }
  }

  // The busiest first: highest CPU share (fractions compared in integers), then lowest index.
  const auto busier = [&](std::uint32_t a, std::uint32_t b) {
    const std::int64_t ra = std::max<std::int64_t>(in.cpu_registered[a], 1);
    const std::int64_t rb = std::max<std::int64_t>(in.cpu_registered[b], 1);
    const Int128 left = static_cast<Int128>(cpu[a]) * rb;
    const Int128 right = static_cast<Int128>(cpu[b]) * ra;
    return left != right ? left > right : a < b;
  };
  // Slot of each drawn instance, for the pass that groups their tasks.
  std::vector<std::int32_t> slot(instances, -1);
  std::vector<std::uint32_t> drawn;
  for (ZoneFigures& z : zones) {
    std::sort(z.present.begin(), z.present.end(), busier);
    for (std::size_t k = 0; k < z.present.size() && k < o.max_instances_per_zone; ++k) {
      slot[z.present[k]] = static_cast<std::int32_t>(drawn.size());
      drawn.push_back(z.present[k]);
    }
  }
  std::vector<std::map<std::uint32_t, GroupCount>> by_group(drawn.size());
  for (const sim::ClusterPicture::Held& h : picture.held) {
    const std::int32_t s = slot[h.instance];
    if (s < 0) continue;
    GroupCount& g = by_group[static_cast<std::size_t>(s)][h.group];
    g.group = h.group;
    g.tasks += h.tasks;
    g.starting += h.starting;
  }

  std::string out;
  out.reserve(4096 + drawn.size() * 1024);
  out += "// ecsim cluster picture: availability zones, their instances and the tasks on them at one\n"
         "// instant. Fill: CPU reserved of registered (see the legend). Invisible edges only lay\n"
         "// out the grid.\n";
  out += "digraph " + dot_quoted("ecsim_cluster") + " {\n";
  if (!o.run_id.empty()) out += "  comment=" + dot_quoted("ecsim run " + o.run_id) + "\n";
  // The title and the legend.
  const bool peak = o.at == sim::kNever && !r.samples.empty();
  // No bold anywhere: Graphviz 2.42 sizes text with regular-weight metrics, so bold overflows.
  std::string title = name_text(r.scenario, 80) + ": the cluster at " + instant_text(t);
  title += peak ? " (the peak sample)" : o.at == sim::kNever ? " (the end of the run)" : "";
  title += ", " + pct_text(cpu_reserved, cpu_registered) + " of registered CPU reserved";
  std::string legend = "<TABLE BORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"3\" COLOR=\"#555555\"><TR>"
                       "<TD ALIGN=\"LEFT\">CPU reserved of registered:</TD>";
  for (std::size_t c = 0; c < std::size(kRamp); ++c) {
    legend += std::string("<TD BGCOLOR=\"") + kRamp[c] + "\" BORDER=\"1\"><FONT COLOR=\"" +
              text_colour(static_cast<int>(c)) + "\">" + kRampText[c] + "</FONT></TD>";
  }
  legend += "<TD BGCOLOR=\"#e0e0e0\" BORDER=\"1\" STYLE=\"dashed\">registering</TD>";
  if (any_down) legend += std::string("<TD BGCOLOR=\"") + kDownFill + "\" BORDER=\"1\" STYLE=\"dotted\">disconnected</TD>";
  legend += "</TR></TABLE>";
  out += "  graph [fontname=\"Helvetica\", fontsize=12, labelloc=\"t\", labeljust=\"l\", nodesep=0.12, "
         "ranksep=0.15, label=<<TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\">"
         "<TR><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"14\">" +
         title + "</FONT></TD></TR><TR><TD ALIGN=\"LEFT\">" + legend + "</TD></TR></TABLE>>];\n";
  out += "  node [shape=plaintext, margin=0, fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [style=invis, arrowhead=none];\n";

  std::string previous_zone_anchor;  // a node of the last row of the zone drawn before
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const ZoneFigures& zf = zones[z];
    const std::string prefix = "z" + std::to_string(z);
    out += "  subgraph " + dot_quoted("cluster_" + prefix) + " {\n";
    // A zone is down when every instance it has at the instant is disconnected: it has no
    // registered CPU to show a share of.
    const bool zone_down = zf.down > 0 && zf.down == static_cast<std::int64_t>(zf.present.size());
    std::string label =
        name_text(r.zones[z]) + " · " + plural(static_cast<std::int64_t>(zf.present.size()), "instance", "instances");
    if (!zone_down) label += " · CPU " + pct_text(zf.cpu_reserved, zf.cpu_registered) + " reserved";
    if (zf.registering > 0) label += " · " + count_text(zf.registering) + " registering";
    if (zone_down) {
      label += " · DOWN (all disconnected)";
    } else if (zf.down > 0) {
      label += " · " + count_text(zf.down) + " disconnected";
    }
    if (zf.gone > 0) label += " · " + count_text(zf.gone) + " terminated (not shown)";
    out += "    graph [label=<" + label + ">, style=" + (zone_down ? "\"rounded,filled\", fillcolor=\"" + std::string(kDownZoneFill) + "\"" : std::string("\"rounded\"")) +
           ", color=\"#777777\", fontsize=11, margin=10];\n";

    std::vector<std::string> ids;
    for (std::size_t k = 0; k < zf.present.size() && k < o.max_instances_per_zone; ++k) {
      const std::uint32_t i = zf.present[k];
      std::vector<GroupCount> groups;
      for (const auto& [g, count] : by_group[static_cast<std::size_t>(slot[i])]) groups.push_back(count);
      std::sort(groups.begin(), groups.end(), [&](const GroupCount& a, const GroupCount& b) {
        if (a.tasks != b.tasks) return a.tasks > b.tasks;
        return r.groups[a.group] < r.groups[b.group];
      });
      ids.push_back(prefix + "_i" + std::to_string(i));
      out += "    " + dot_quoted(ids.back()) + " [label=<" + instance_label(r, i, state[i], cpu[i], mem[i], groups) +
             ">];\n";
    }
    if (zf.present.size() > o.max_instances_per_zone) {
      std::int64_t hidden_reserved = 0, hidden_registered = 0;
      for (std::size_t k = o.max_instances_per_zone; k < zf.present.size(); ++k) {
        const std::uint32_t i = zf.present[k];
        if (state[i] != InstanceState::kRegistered) continue;
        hidden_reserved += cpu[i];
        hidden_registered += in.cpu_registered[i];
      }
      const int cls = cpu_class(hidden_reserved, hidden_registered);
      const auto hidden = static_cast<std::int64_t>(zf.present.size() - o.max_instances_per_zone);
      ids.push_back(prefix + "_more");
      out += "    " + dot_quoted(ids.back()) +
             " [label=<<TABLE BORDER=\"1\" STYLE=\"rounded\" CELLBORDER=\"0\" CELLPADDING=\"6\" COLOR=\"#555555\">"
             "<TR><TD BGCOLOR=\"" +
             std::string(kRamp[cls]) + "\"><FONT COLOR=\"" + text_colour(cls) + "\">+" +
             plural(hidden, "more instance", "more instances") + "<BR/>(mean CPU " +
             pct_text(hidden_reserved, hidden_registered) + ")</FONT></TD></TR></TABLE>>];\n";
    }
    if (ids.empty()) {
      ids.push_back(prefix + "_empty");
      out += "    " + dot_quoted(ids.back()) + " [label=<<I>no instance at this instant</I>>];\n";
    }
    // A grid of kColumns per row, in list order: each row is one rank chained left to right
    // (flat edges keep their order), and each row's first node sits above the next row's.
    for (std::size_t row = 0; row < ids.size(); row += kColumns) {
      out += "    { rank=same; " + dot_quoted(ids[row]);
      for (std::size_t k = row + 1; k < ids.size() && k < row + kColumns; ++k) out += " -> " + dot_quoted(ids[k]);
      out += "; }\n";
      if (row + kColumns < ids.size()) {
        out += "    " + dot_quoted(ids[row]) + " -> " + dot_quoted(ids[row + kColumns]) + ";\n";
      }
    }
    out += "  }\n";
    // Zones stacked: the last row of the zone above sits above this zone's first row.
    if (!previous_zone_anchor.empty()) {
      out += "  " + dot_quoted(previous_zone_anchor) + " -> " + dot_quoted(ids.front()) + ";\n";
    }
    previous_zone_anchor = ids[(ids.size() - 1) / kColumns * kColumns];
  }
  out += "}\n";
  return out;
}

std::string cluster_svg(const sim::RunResult& r, const ClusterPictureOptions& o) {
  return render_dot_svg(cluster_dot(r, o));
}

// --- the scenario's structure (public) -------------------------------------------------------

namespace {

std::string strategy_text(const std::vector<sim::StrategySpec>& strategy) {
  std::string out;
  for (const sim::StrategySpec& s : strategy) {
    if (!out.empty()) out += ", ";
    out += s.type;
    std::string inside = s.field;
    for (const auto& [key, value] : s.params) {
      if (!inside.empty()) inside += ",";
      inside += key + "=" + format_double(value);
    }
    if (!inside.empty()) out += "(" + inside + ")";
  }
  return out;
}

// The edge label from a source to the cluster: its strategy (or the default it falls back
// to) and its constraints, one per line.
std::string placement_label(const std::vector<sim::StrategySpec>& strategy, const std::string& fallback,
                            const std::vector<sim::ConstraintSpec>& constraints) {
  std::string out = strategy.empty() ? name_text(fallback, 120) : name_text(strategy_text(strategy), 120);
  for (const sim::ConstraintSpec& c : constraints) {
    out += "<BR/>" + name_text(c.type == "memberOf" ? "memberOf(" + c.expression + ")" : c.type, 120);
  }
  return out;
}

// The registry host named by an image reference, as Docker reads it: the first path component
// when it has a '.' or a ':' or is "localhost", else Docker Hub.
std::string registry_host(std::string_view image) {
  const std::size_t slash = image.find('/');
  if (slash != std::string_view::npos) {
    const std::string_view first = image.substr(0, slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost") {
      return std::string(first);
    }
  }
  return "docker.io";
}

std::string registry_kind(std::string_view host) {
  if (host == "docker.io") return "Docker Hub";
  if (host == "public.ecr.aws") return "Amazon ECR Public";
  if (host.find(".dkr.ecr.") != std::string_view::npos && host.ends_with(".amazonaws.com")) return "Amazon ECR";
  if (host == "ghcr.io") return "GitHub Container Registry";
  if (host == "quay.io") return "Quay";
  return "registry";
}

std::string mib_text(std::int64_t mib) {
  if (mib >= 1024 && mib % 1024 == 0) return std::to_string(mib / 1024) + " GiB";
  return std::to_string(mib) + " MiB";
}

std::string box(const std::string& fill, const std::vector<std::string>& rows, bool dashed = false) {
  std::string out = "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"3\" COLOR=\"#555555\"";
  out += " BGCOLOR=\"" + fill + "\"" + (dashed ? " STYLE=\"dashed\">" : ">");
  for (const std::string& row : rows) out += "<TR><TD ALIGN=\"LEFT\">" + row + "</TD></TR>";
  return out + "</TABLE>";
}

// "<BR/>on capacity providers a (weight 1, base 2), b (weight 4)", or "" for launch type EC2.
std::string provider_text(const sim::Scenario& s, const std::vector<sim::CapacityProviderStrategyItem>& strategy) {
  if (strategy.empty()) return "";
  std::string out = "<BR/>on capacity providers ";
  for (std::size_t k = 0; k < strategy.size(); ++k) {
    const sim::CapacityProviderStrategyItem& it = strategy[k];
    out += (k == 0 ? "" : ", ") + name_text(s.capacity_providers[it.provider].name) + " (weight " +
           std::to_string(it.weight) + (it.base > 0 ? ", base " + std::to_string(it.base) : std::string()) + ")";
  }
  return out;
}

}  // namespace

std::string scenario_dot(const sim::Scenario& s) {
  std::string out;
  out += "// ecsim scenario structure: sources of tasks -> task definitions -> images -> registries.\n"
         "// The cluster's capacity: its instance groups and its capacity providers' Auto Scaling groups.\n";
  out += "digraph " + dot_quoted("ecsim_scenario") + " {\n";
  out += "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=\"t\", labeljust=\"l\", nodesep=0.2, "
         "ranksep=0.5, label=<<FONT POINT-SIZE=\"14\">" +
         name_text(s.name, 80) + " · region " + name_text(s.region) + " · seed " + std::to_string(s.seed) + " · " +
         duration_text(s.duration) + "</FONT>>];\n";
  out += "  node [shape=plaintext, margin=0, fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\", fontcolor=\"#333333\"];\n";

  // The cluster: instance groups as the capacity.
  {
    const sim::Cluster& c = s.cluster;
    std::vector<std::string> rows;
    rows.push_back(heading("cluster " + name_text(c.name)));
    std::string zones;
    for (const std::string& z : c.availability_zones) zones += (zones.empty() ? "" : ", ") + name_text(z);
    rows.push_back("zones: " + zones);
    std::unordered_set<std::string_view> provider_names;
    for (const sim::CapacityProvider& cp : s.capacity_providers) provider_names.insert(cp.name);
    const auto is_provider_group = [&](const sim::InstanceGroup& g) { return provider_names.count(g.name) != 0; };
    for (const sim::InstanceGroup& g : c.instance_groups) {
      if (is_provider_group(g)) continue;
      std::string group_zones;
      for (const std::uint32_t z : g.zones) {
        group_zones += (group_zones.empty() ? "" : ", ") + name_text(c.availability_zones[z]);
      }
      rows.push_back(name_text(g.name) + ": " + name_text(s.instance_types[g.instance_type].name) + " × " +
                     std::to_string(g.count) + " · " + (g.market == sim::Market::kSpot ? "spot" : "on-demand") +
                     " · " + group_zones);
    }
    for (const sim::CapacityProvider& cp : s.capacity_providers) {
      // An Auto Scaling group capacity provider: its types in priority order, its size, how it scales.
      std::string types;
      for (const std::uint32_t g : cp.groups) {
        types += (types.empty() ? "" : ", ") + name_text(s.instance_types[c.instance_groups[g].instance_type].name);
      }
      std::string row = "capacity provider " + name_text(cp.name) + ": " + types + " · " + std::to_string(cp.min_size) +
                        "–" + std::to_string(cp.max_size) + " (desired " + std::to_string(cp.desired_capacity) + ")";
      if (cp.on_demand_percentage_above_base < 100) {
        row += " · on-demand " + std::to_string(cp.on_demand_base_capacity) + " + " +
               std::to_string(cp.on_demand_percentage_above_base) + " %, the rest spot";
      }
      row += cp.managed_scaling ? " · managed scaling to " + std::to_string(cp.target_capacity) + " %" : " · fixed size";
      rows.push_back(row);
    }
    for (const sim::ScenarioEvent& e : s.events) {
      if (e.type != sim::EventType::kAzOutage) continue;
      rows.push_back("<I>" + name_text(std::string(sim::event_type_name(e.type))) + " " +
                     name_text(c.availability_zones[e.zone]) + " at " + instant_text(e.at) + " for " +
                     duration_text(e.duration) + "</I>");
    }
    out += "  " + dot_quoted("cluster") + " [label=<" + box("#eef3e2", rows) + ">];\n";
  }

  // Sources, each with an edge from the cluster labelled with how it places its tasks.
  std::vector<bool> used(s.task_definitions.size(), false);
  const std::string job_default =
      (s.default_strategy.empty() ? std::string("random") : strategy_text(s.default_strategy)) + " (scenario default)";
  const auto source_edges = [&](const std::string& id, const std::string& placement) {
    out += "  " + dot_quoted("cluster") + " -> " + dot_quoted(id) + " [dir=back, label=<" + placement + ">];\n";
  };
  // Past kMaxScenarioSources sources (services, then jobs, then traces), the rest are one node,
  // and so are their task definitions and images past the caps below.
  std::size_t drawn_sources = 0;
  std::int64_t more_services = 0, more_jobs = 0, more_traces = 0;
  std::vector<std::uint8_t> td_state(s.task_definitions.size(), 0);  // 1: a drawn source's, 2: only hidden ones'
  const auto hide = [&](std::int64_t& count, std::uint32_t td) {
    ++count;
    if (td_state[td] == 0) td_state[td] = 2;
  };
  for (std::size_t k = 0; k < s.services.size(); ++k) {
    const sim::Service& sv = s.services[k];
    if (drawn_sources >= kMaxScenarioSources) {
      used[sv.task_definition] = true;
      hide(more_services, sv.task_definition);
      continue;
    }
    ++drawn_sources;
    td_state[sv.task_definition] = 1;
    const std::string id = "service" + std::to_string(k);
    out += "  " + dot_quoted(id) + " [label=<" +
           box("#dbe9f6", {heading("service " + name_text(sv.name)), "desired " + std::to_string(sv.desired_count),
                           "group service:" + name_text(sv.name)}) +
           ">];\n";
    source_edges(id, placement_label(sv.strategy, "spread(attribute:ecs.availability-zone), spread(instanceId) "
                                                  "(ECS service default)",
                                     sv.constraints) +
                         provider_text(s, sv.capacity_provider_strategy));
    out += "  " + dot_quoted(id) + " -> " + dot_quoted("taskdef" + std::to_string(sv.task_definition)) + ";\n";
    used[sv.task_definition] = true;
  }
  for (std::size_t k = 0; k < s.jobs.size(); ++k) {
    const sim::Job& j = s.jobs[k];
    if (drawn_sources >= kMaxScenarioSources) {
      used[j.task_definition] = true;
      hide(more_jobs, j.task_definition);
      continue;
    }
    ++drawn_sources;
    td_state[j.task_definition] = 1;
    const std::string id = "job" + std::to_string(k);
    out += "  " + dot_quoted(id) + " [label=<" +
           box("#fdebd3", {heading("job " + name_text(j.name)), "group " + name_text(j.group),
                           j.on_failure == sim::OnPlacementFailure::kFail ? "on placement failure: fail"
                                                                          : "on placement failure: wait"}) +
           ">];\n";
    source_edges(id, placement_label(j.strategy, job_default, j.constraints) +
                         provider_text(s, j.capacity_provider_strategy));
    out += "  " + dot_quoted(id) + " -> " + dot_quoted("taskdef" + std::to_string(j.task_definition)) + ";\n";
    used[j.task_definition] = true;
  }
  for (std::size_t k = 0; k < s.traces.size(); ++k) {
    const sim::Trace& tr = s.traces[k];
    if (drawn_sources >= kMaxScenarioSources) {
      ++more_traces;
      continue;
    }
    ++drawn_sources;
    const std::string id = "trace" + std::to_string(k);
    std::string families;
    for (std::size_t f = 0; f < tr.families.size(); ++f) {
      if (f == 8) {
        families += ", +" + std::to_string(tr.families.size() - 8) + " more";
        break;
      }
      families += (f == 0 ? "" : ", ") + name_text(tr.families[f]);
    }
    out += "  " + dot_quoted(id) + " [label=<" +
           box("#e8e0f0", {heading("trace " + name_text(std::filesystem::path(tr.file).filename().string())),
                           name_text(tr.format) + " · " +
                               plural(tr.records_read, "task", "tasks"),
                           "families: " + families}) +
           ">];\n";
    source_edges(id, placement_label(tr.strategy, job_default, {}));
  }
  const bool more_sources = more_services + more_jobs + more_traces > 0;
  if (more_sources) {
    std::string kinds;
    const auto count = [&](std::int64_t n, const char* one, const char* many) {
      if (n > 0) kinds += (kinds.empty() ? "" : " · ") + plural(n, one, many);
    };
    count(more_services, "service", "services");
    count(more_jobs, "job", "jobs");
    count(more_traces, "trace", "traces");
    out += "  " + dot_quoted("more_sources") + " [label=<" +
           box("#f4f4f4", {heading("+" + std::to_string(more_services + more_jobs + more_traces) + " more sources"),
                           kinds, "<I>not drawn: the picture shows the first " +
                                      std::to_string(kMaxScenarioSources) + "</I>"},
                   true) +
           ">];\n";
    source_edges("more_sources", "<I>each its own placement</I>");
  }

  // Task definitions -> images -> registries.
  std::map<std::string, std::string> image_ids;  // image name -> node id, first use
  std::map<std::string, std::string> host_ids;   // registry host of an unlisted image -> node id
  std::unordered_map<std::string_view, std::size_t> listed_images;  // name -> its first entry in s.images
  for (std::size_t k = 0; k < s.images.size(); ++k) listed_images.emplace(s.images[k].name, k);
  const auto image_id = [&](const std::string& name) -> std::string {
    const auto found = image_ids.find(name);
    if (found != image_ids.end()) return found->second;
    const std::string id = "image" + std::to_string(image_ids.size());
    image_ids.emplace(name, id);
    const auto listed = listed_images.find(name);
    if (listed != listed_images.end()) {
      const sim::Image& im = s.images[listed->second];
      out += "  " + dot_quoted(id) + " [label=<" +
             box("#ffffff", {heading("image " + name_text(im.name)), mib_text(im.size_mib)}) + ">];\n";
      out += "  " + dot_quoted(id) + " -> " + dot_quoted("registry" + std::to_string(im.registry)) + ";\n";
    } else {
      const std::string host = registry_host(name);
      auto [it, added] = host_ids.emplace(host, "host" + std::to_string(host_ids.size()));
      if (added) {
        out += "  " + dot_quoted(it->second) + " [label=<" +
               box("#f4f4f4",
                   {heading(name_text(host)), name_text(registry_kind(host)) + ", from the image names",
                    "<I>images not listed: no pull modelled</I>"},
                   true) +
               ">];\n";
      }
      out += "  " + dot_quoted(id) + " [label=<" +
             box("#ffffff", {heading("image " + name_text(name)), "<I>not in images</I>"}, true) + ">];\n";
      out += "  " + dot_quoted(id) + " -> " + dot_quoted(it->second) + ";\n";
    }
    return id;
  };
  for (std::size_t k = 0; k < s.registries.size(); ++k) {
    const sim::Registry& reg = s.registries[k];
    out += "  " + dot_quoted("registry" + std::to_string(k)) + " [label=<" +
           box("#f4f4f4", {heading("registry " + name_text(reg.name)),
                           format_double(static_cast<double>(reg.pull_bytes_per_second) / 1e6) + " MB/s · latency " +
                               duration_text(reg.latency)}) +
           ">];\n";
  }
  // Task definitions: every drawn source's, then the others in order while fewer than
  // kMaxScenarioSources are drawn; the rest are one node, and so are the images only they use.
  std::size_t drawn_definitions = 0;
  for (std::size_t k = 0; k < s.task_definitions.size(); ++k) drawn_definitions += td_state[k] == 1 ? 1 : 0;
  std::int64_t more_definitions = 0;
  std::set<std::string> more_images;  // images of the task definitions not drawn
  bool more_definitions_used = false;  // by a hidden source
  for (std::size_t k = 0; k < s.task_definitions.size(); ++k) {
    const sim::TaskDefinition& td = s.task_definitions[k];
    if (td_state[k] != 1) {
      if (drawn_definitions >= kMaxScenarioSources) {
        ++more_definitions;
        more_definitions_used = more_definitions_used || td_state[k] == 2;
        for (const sim::ContainerDefinition& c : td.containers) {
          if (image_ids.count(c.image) == 0) more_images.insert(c.image);
        }
        continue;
      }
      ++drawn_definitions;
    }
    const std::string id = "taskdef" + std::to_string(k);
    if (td_state[k] == 2) out += "  " + dot_quoted("more_sources") + " -> " + dot_quoted(id) + ";\n";
    static constexpr const char* kModes[] = {"bridge", "host", "awsvpc", "none"};
    std::vector<std::string> rows = {
        heading(name_text(td.family) + ":" + std::to_string(td.revision)),
        std::string(kModes[static_cast<std::size_t>(td.network_mode)]) + " · " + std::to_string(td.reserved.cpu) +
            " CPU units · " + std::to_string(td.reserved.memory_mib) + " MiB" +
            (td.reserved.gpus > 0 ? " · " + std::to_string(td.reserved.gpus) + " GPU" : "")};
    for (const std::string& m : td.member_of) rows.push_back("memberOf(" + name_text(m, 120) + ")");
    if (!used[k]) rows.push_back("<I>not used by any service or job</I>");
    out += "  " + dot_quoted(id) + " [label=<" + box("#fff7d6", rows, !used[k]) + ">];\n";
    std::vector<std::string> seen;
    for (const sim::ContainerDefinition& c : td.containers) {
      if (std::find(seen.begin(), seen.end(), c.image) != seen.end()) continue;
      seen.push_back(c.image);
      const std::string image = image_id(c.image);  // may write the image's node first
      out += "  " + dot_quoted(id) + " -> " + dot_quoted(image) + ";\n";
    }
  }
  // Listed images no task definition uses (those of hidden task definitions are in theirs).
  for (const sim::Image& im : s.images) {
    if (image_ids.count(im.name) != 0 || more_images.count(im.name) != 0) continue;
    if (image_ids.size() >= kMaxScenarioSources) {
      more_images.insert(im.name);
      continue;
    }
    image_id(im.name);
  }
  for (auto it = more_images.begin(); it != more_images.end();) {  // drawn after all (a later definition's)
    it = image_ids.count(*it) != 0 ? more_images.erase(it) : std::next(it);
  }
  if (more_definitions > 0) {
    out += "  " + dot_quoted("more_taskdefs") + " [label=<" +
           box("#fff7d6", {heading("+" + plural(more_definitions, "more task definition", "more task definitions")),
                           "<I>not drawn</I>"},
               true) +
           ">];\n";
    if (more_definitions_used) out += "  " + dot_quoted("more_sources") + " -> " + dot_quoted("more_taskdefs") + ";\n";
  }
  if (!more_images.empty()) {
    out += "  " + dot_quoted("more_images") + " [label=<" +
           box("#ffffff", {heading("+" + plural(static_cast<std::int64_t>(more_images.size()), "more image", "more images")),
                           "<I>not drawn</I>"},
               true) +
           ">];\n";
    if (more_definitions > 0) out += "  " + dot_quoted("more_taskdefs") + " -> " + dot_quoted("more_images") + ";\n";
  }
  out += "}\n";
  return out;
}

std::string scenario_svg(const sim::Scenario& s) { return render_dot_svg(scenario_dot(s)); }

}  // namespace ecsim::reports
