# cratio_library(<layer> DEPS <targets...>)
# Builds src/<layer>/ (recursively, minus *_test.cc) into the static library
# cratio_<layer>. Files under an `avx2/`, `avx512/`, `amx/` or `sha/` folder get that ISA's flags;
# nothing else is compiled with ISA flags, so only kernels can hold intrinsics. Files
# named quant_search.cc are compiled without FMA contraction (bit-exact twins).
# Unit tests (*_test.cc) in the folder become one executable cratio_<layer>_test.
# -Wrestrict is off for GCC: GCC 12 at -O3 reports impossible overlaps inside std::string
# concatenation ("lit" + std::string&&, GCC bug 105329), failing correct code under -Werror.
set(CRATIO_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)

function(cratio_library layer)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  set(dir ${PROJECT_SOURCE_DIR}/src/${layer})
  file(GLOB_RECURSE all_srcs CONFIGURE_DEPENDS ${dir}/*.cc)
  set(srcs "")
  set(tests "")
  foreach(f ${all_srcs})
    if(f MATCHES "_test\\.cc$")
      list(APPEND tests ${f})
    else()
      list(APPEND srcs ${f})
    endif()
    set(isa_flags "")
    if(f MATCHES "/amx/")
      # AMX tile kernels: the AVX-512 flags plus the tile instructions; used only after a
      # run-time check of the CPU and of the kernel's permission (kernels/amx_support.h).
      set(isa_flags "-mavx512f;-mavx512bw;-mavx512dq;-mavx512vl;-mavx512vnni;-mavx512bf16;-mavx2;-mfma;-mf16c;-mbmi2;-mamx-tile;-mamx-bf16;-mamx-int8")
    elseif(f MATCHES "/avx512/")
      set(isa_flags "-mavx512f;-mavx512bw;-mavx512dq;-mavx512vl;-mavx512vnni;-mavx512bf16;-mavx2;-mfma;-mf16c;-mbmi2")
    elseif(f MATCHES "/avx2/")
      set(isa_flags "-mavx2;-mfma;-mf16c;-mbmi2")
    elseif(f MATCHES "/sha/")
      set(isa_flags "-msha;-msse4.1;-mssse3")
    endif()
    # The quantizers' scale searches and their SIMD twins must round identically (files
    # must not depend on the ISA), so no a * b + c may become one fused multiply-add there.
    if(f MATCHES "/quant_search\\.cc$")
      list(APPEND isa_flags "-ffp-contract=off")
    endif()
    if(isa_flags)
      set_source_files_properties(${f} PROPERTIES COMPILE_OPTIONS "${isa_flags}")
    endif()
  endforeach()
  if(srcs)
    add_library(cratio_${layer} STATIC ${srcs})
    target_include_directories(cratio_${layer} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(cratio_${layer} PUBLIC ${ARG_DEPS})
    target_compile_options(cratio_${layer} PRIVATE ${CRATIO_WARNINGS})
  else()
    add_library(cratio_${layer} INTERFACE)
    target_include_directories(cratio_${layer} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(cratio_${layer} INTERFACE ${ARG_DEPS})
  endif()
  if(CRATIO_BUILD_TESTS AND tests)
    add_executable(cratio_${layer}_test ${tests})
    target_include_directories(cratio_${layer}_test PRIVATE ${PROJECT_SOURCE_DIR}/tests)
    target_link_libraries(cratio_${layer}_test PRIVATE cratio_${layer} GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_options(cratio_${layer}_test PRIVATE ${CRATIO_WARNINGS})
    target_compile_definitions(cratio_${layer}_test PRIVATE
      CRATIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    # Unit tests do not run the binary, so they do not depend on it: one broken file
    # elsewhere must not stop a layer's own tests from building.
    gtest_discover_tests(cratio_${layer}_test DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
