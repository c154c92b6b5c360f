// Each test starts a service whose workers keep libvips busy; on a 2-core machine they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
