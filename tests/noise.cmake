# The live engine's thread usage (altinj_run_result's usage fields) is checked here too.
target_link_libraries(test_noise PRIVATE altinj_runner)
