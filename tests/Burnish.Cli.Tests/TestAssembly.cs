
// Every test starts libvips-heavy processes on a 2-core machine; run them one at a time so timings
// (the kill in ResumeTests) stay predictable and the suite does not oversubscribe the cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
