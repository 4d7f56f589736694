# The statistics live in the runner library (bench/runner/results/altinj_stats.c).
target_link_libraries(test_stats PRIVATE altinj_runner)
