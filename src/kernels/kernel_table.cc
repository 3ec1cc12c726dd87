// Chooses and builds the kernel tables: one static table per ISA, filled on first use.
#include "kernels/kernel_table.h"

#include <cstdlib>
#include <string>

#include "base/cpu_features.h"
#include "base/sha256.h"
#include "kernels/amx_support.h"
#include "kernels/isa_tables.h"
#include "kernels/sha/sha256_ni.h"

namespace cratio {
namespace {

bool CpuHas(Isa isa) {
  const CpuFeatures& cpu = GetCpuFeatures();
  switch (isa) {
    case Isa::kRef:
      return true;
    case Isa::kAvx2:
      return cpu.HasAvx2Path();
    case Isa::kAvx512:
      // The AVX-512 kernels use VNNI (vpdpbusd) for the quantized dot products.
      return cpu.HasAvx512Path() && cpu.avx512vnni;
  }
  return false;
}

const KernelTable& BuildTable(Isa isa) {
  // Function-local statics: built once, thread-safe, never freed.
  switch (isa) {
    case Isa::kAvx512: {
      static const KernelTable table = [] {
        KernelTable t;
        kernels::FillAvx512Kernels(t);
        if (AmxEnabled()) kernels::AddAmxKernels(t);
        return t;
      }();
      return table;
    }
    case Isa::kAvx2: {
      static const KernelTable table = [] {
        KernelTable t;
        kernels::FillAvx2Kernels(t);
        return t;
      }();
      return table;
    }
    case Isa::kRef:
      break;
  }
  static const KernelTable table = [] {
    KernelTable t;
    kernels::FillRefKernels(t);
    return t;
  }();
  return table;
}

struct Choice {
  Isa isa;
  Status override_status;
};

const Choice& GetChoice() {
  static const Choice choice = [] {
    const Isa best = BestAvailableIsa();
    const char* env = std::getenv("CRATIO_ISA");
    if (env == nullptr || *env == '\0') return Choice{best, Status::Ok()};
    const std::optional<Isa> wanted = IsaFromName(env);
    if (!wanted) {
      return Choice{best, InvalidInput("CRATIO_ISA='{}' is not one of ref, avx2, avx512; using {}",
                                       env, IsaName(best))};
    }
    if (!CpuHas(*wanted)) {
      return Choice{best, InvalidInput("CRATIO_ISA={} but this CPU lacks it ({}); using {}", env,
                                       GetCpuFeatures().ToString(), IsaName(best))};
    }
    return Choice{*wanted, Status::Ok()};
  }();
  return choice;
}

}  // namespace

std::string_view IsaName(Isa isa) {
  switch (isa) {
    case Isa::kRef:
      return "ref";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kAvx512:
      return "avx512";
  }
  return "unknown";
}

std::optional<Isa> IsaFromName(std::string_view name) {
  for (Isa isa : {Isa::kRef, Isa::kAvx2, Isa::kAvx512}) {
    if (IsaName(isa) == name) return isa;
  }
  return std::nullopt;
}

Isa BestAvailableIsa() {
  if (CpuHas(Isa::kAvx512)) return Isa::kAvx512;
  if (CpuHas(Isa::kAvx2)) return Isa::kAvx2;
  return Isa::kRef;
}

Result<const KernelTable*> KernelTableFor(Isa isa) {
  if (!CpuHas(isa)) {
    return InvalidInput("kernels: ISA {} is not available on this CPU (features: {})", IsaName(isa),
                        GetCpuFeatures().ToString());
  }
  return &BuildTable(isa);
}

const KernelTable& GetKernelTable() {
  static const KernelTable& table = []() -> const KernelTable& {
    const KernelTable& chosen = BuildTable(GetChoice().isa);
    quant::SetSearchKernels(&chosen.quant_search);
    if (chosen.isa != Isa::kRef && GetCpuFeatures().sha) {
      SetSha256BlockFn(kernels::Sha256BlocksShaNi);
    }
    return chosen;
  }();
  return table;
}

Status IsaOverrideStatus() { return GetChoice().override_status; }

}  // namespace cratio
