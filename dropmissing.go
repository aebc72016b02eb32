package memrel

// DropMissing makes [Schema.Load] skip what the loading schema no longer
// has: the columns and models a snapshot holds that the schema dropped
// are read past and their values discarded, instead of refused as
// ColumnDropped and ModelDropped differences. Every other difference is
// still refused. Open and Fork ignore it.
func DropMissing() StoreOption { return StoreOption{dropMissing: true} }
