# Read by ctest after the Catch tests are defined (TEST_INCLUDE_FILES, tests/CMakeLists.txt;
# the browser test's cost is set where it is added).
# ctest -jN starts the tests of highest COST first. A build directory's first
# run (CI's fresh clone) has no timing record of its own yet, so without these
# ctest would start tests in the order they were declared and could leave the
# longest ones running alone at the end. The costs are the longest tests'
# seconds in the sanitizer build, roughly; only their order matters. A name
# listed here that no longer exists is ignored, so renaming a test only loses
# its place in this order.
set(edgepix_test_costs
  "image:corpus conformance: corpus" 90
  "integration:Three nodes on one PostgreSQL and one Ceph RGW bucket: spread, kill -9, SIGSTOP, database restart, identical variants, no orphans" 75
  "integration:crash: SIGKILL at random moments loses no acknowledged upload" 65
  "image:corpus conformance: corpus2" 60
  "integration:S3 reference: boto3, awscli, curl, the JS SDK, hostile requests, copies and copy conditions read the same from edgepix as from Ceph RGW" 50
  "integration:full disk: 507 when full, DELETE makes room, a restart after kill -9 comes back" 25
  "integration:jobs: DELETE while processing, 20 times: after the 204 nothing is served or kept" 22)
while(edgepix_test_costs)
  list(POP_FRONT edgepix_test_costs edgepix_name edgepix_cost)
  set_tests_properties("${edgepix_name}" PROPERTIES COST ${edgepix_cost})
endwhile()
