package bench

import (
	"fmt"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// OpenGormPG opens the GORM contender on PostgreSQL (gorm.io/driver/postgres,
// on pgx): the same models, association mode and Preload as on SQLite,
// prepared statements cached, in a schema of its own on the server
// MEMREL_PG_URL names, dropped on Close.
func OpenGormPG() (Store, error) {
	s, err := openPGSchema(pgxSchema, nil)
	if err != nil {
		return nil, err
	}
	cfg := s.pool.Config().ConnConfig
	dsn := fmt.Sprintf("host=%s port=%d user=%s dbname=%s search_path=%s sslmode=disable",
		cfg.Host, cfg.Port, cfg.User, cfg.Database, s.schema)
	if cfg.Password != "" {
		dsn += " password=" + cfg.Password
	}
	s.pool.Close()
	s.pool = nil
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{
		Logger:          logger.Default.LogMode(logger.Silent),
		PrepareStmt:     true,
		CreateBatchSize: 1000,
	})
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	return &gormStore{db: db, pg: true, close: s.Close}, nil
}
