// ProgressBar drawing: "\r<label> [#####.....]  12/40 chunks  3.1 chunks/s  ETA 9s  <note>".
#include "base/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "base/timer.h"

namespace cratio {

namespace {

constexpr int kBarWidth = 30;

std::string FormatSeconds(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  const auto total = static_cast<int64_t>(std::llround(s));
  if (total >= 3600) return fmt::format("{}h{:02}m", total / 3600, (total % 3600) / 60);
  if (total >= 60) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}s", total);
}

}  // namespace

ProgressBar::ProgressBar(std::string label, int64_t total, std::string unit, FILE* out,
                         bool force)
    : label_(std::move(label)),
      total_(std::max<int64_t>(total, 1)),
      unit_(std::move(unit)),
      out_(out),
      enabled_(out != nullptr && (force || ::isatty(::fileno(out)) == 1)),
      start_ns_(NowNs()) {}

ProgressBar::~ProgressBar() { Finish(); }

std::string ProgressBar::Render(const std::string& label, int64_t done, int64_t total,
                                const std::string& unit, double elapsed_s,
                                const std::string& note, int bar_width) {
  total = std::max<int64_t>(total, 1);
  done = std::clamp<int64_t>(done, 0, total);
  const int filled = static_cast<int>(done * bar_width / total);
  std::string bar(filled, '#');
  bar.append(bar_width - filled, '.');
  const double rate = elapsed_s > 0 ? done / elapsed_s : 0.0;
  std::string line = fmt::format("{} [{}] {}/{} {}", label, bar, done, total, unit);
  if (rate > 0) {
    line += fmt::format("  {:.2f} {}/s", rate, unit);
    if (done < total) line += "  ETA " + FormatSeconds((total - done) / rate);
  }
  if (!note.empty()) line += "  " + note;
  return line;
}

void ProgressBar::Update(int64_t done, const std::string& note) {
  if (!enabled_ || finished_) return;
  const int64_t now = NowNs();
  if (done < total_ && now - last_draw_ns_ < kRedrawNs) return;
  last_draw_ns_ = now;
  const std::string line =
      Render(label_, done, total_, unit_, (now - start_ns_) * 1e-9, note, kBarWidth);
  // "\033[K" clears what a longer previous line left behind.
  std::fprintf(out_, "\r%s\033[K", line.c_str());
  std::fflush(out_);
}

void ProgressBar::Finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  if (last_draw_ns_ != 0) {
    std::fputc('\n', out_);
    std::fflush(out_);
  }
}

}  // namespace cratio
