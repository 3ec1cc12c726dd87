// ProgressBar: a one-line progress bar with rate and ETA, drawn on stderr only when
// stderr is a terminal (so logs, pipes and tests see nothing). Not thread-safe: call
// Update() from the thread that drives the work.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace cratio {

class ProgressBar {
 public:
  // `label` starts the line ("perplexity"); `total` > 0 units of work ("chunks").
  // `out` is where to draw (stderr by default); drawing happens only when `out` is a
  // terminal, or always when `force` is set (for tests).
  ProgressBar(std::string label, int64_t total, std::string unit, FILE* out = stderr,
              bool force = false);
  ~ProgressBar();  // finishes the line if it was drawn
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Sets the number of finished units and redraws (at most every kRedrawNs, and always
  // on the last unit). `note` is shown after the bar (e.g. "PPL 5.41").
  void Update(int64_t done, const std::string& note = "");
  // Ends the line (newline) once; further updates are ignored.
  void Finish();

  bool enabled() const { return enabled_; }

  // The text of the bar for `done` of `total` after `elapsed_s` seconds, without the
  // leading carriage return; exposed so the layout can be tested.
  static std::string Render(const std::string& label, int64_t done, int64_t total,
                            const std::string& unit, double elapsed_s, const std::string& note,
                            int bar_width);

 private:
  static constexpr int64_t kRedrawNs = 100'000'000;  // 10 redraws per second at most

  std::string label_;
  int64_t total_;
  std::string unit_;
  FILE* out_;
  bool enabled_;
  bool finished_ = false;
  int64_t start_ns_;
  int64_t last_draw_ns_ = 0;
};

}  // namespace cratio
