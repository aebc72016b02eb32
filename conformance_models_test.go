package memrel_test

// Go structs for the schemas of ../shared/conformance/schemas.json. Every
// field is a pointer so that a scenario can write NULL into any column; a
// NOT NULL column then rejects it with a ValidationError, as Sequelize
// does. cfCheckSchemas verifies these definitions against schemas.json, so
// the two cannot drift apart.

type cfBlogPost struct {
	ID       int64   `memrel:"id,pk,autoinc"`
	Title    *string `memrel:"title,notnull"`
	Comments []cfBlogComment
}

type cfBlogComment struct {
	ID     int64   `memrel:"id,pk,autoinc"`
	Body   *string `memrel:"body,notnull"`
	Likes  *int64  `memrel:"likes,notnull,default=0"`
	PostID *int64  `memrel:"postId"`
	Post   *cfBlogPost
}

type cfBnnPost struct {
	ID       int64   `memrel:"id,pk,autoinc"`
	Title    *string `memrel:"title,notnull"`
	Comments []cfBnnComment
}

type cfBnnComment struct {
	ID     int64   `memrel:"id,pk,autoinc"`
	Body   *string `memrel:"body,notnull"`
	Likes  *int64  `memrel:"likes,notnull,default=0"`
	PostID *int64  `memrel:"postId,notnull"`
	Post   *cfBnnPost
}

type cfSlugPost struct {
	ID       int64   `memrel:"id,pk,autoinc"`
	Slug     *string `memrel:"slug,notnull,unique"`
	Title    *string `memrel:"title,notnull"`
	Comments []cfSlugComment
}

type cfSlugComment struct {
	ID       int64   `memrel:"id,pk,autoinc"`
	Body     *string `memrel:"body,notnull"`
	Likes    *int64  `memrel:"likes,notnull,default=0"`
	PostSlug *string `memrel:"postSlug"`
	Post     *cfSlugPost
}

type cfAuUser struct {
	ID            int64   `memrel:"id,pk,autoinc"`
	Name          *string `memrel:"name,notnull"`
	AuthoredPosts []cfAuPost
	EditedPosts   []cfAuPost
}

type cfAuPost struct {
	ID       int64   `memrel:"id,pk,autoinc"`
	Title    *string `memrel:"title,notnull"`
	AuthorID *int64  `memrel:"authorId"`
	EditorID *int64  `memrel:"editorId"`
	Author   *cfAuUser
	Editor   *cfAuUser
}

type cfCategory struct {
	ID       int64   `memrel:"id,pk,autoinc"`
	Name     *string `memrel:"name,notnull"`
	ParentID *int64  `memrel:"parentId"`
	Children []cfCategory
	Parent   *cfCategory
}

type cfImage struct {
	ID       int64   `memrel:"id,pk,autoinc"`
	URL      *string `memrel:"url,notnull"`
	Comments []cfPolyComment
}

type cfVideo struct {
	ID       int64   `memrel:"id,pk,autoinc"`
	Title    *string `memrel:"title,notnull"`
	Comments []cfPolyComment
}

type cfPolyComment struct {
	ID              int64   `memrel:"id,pk,autoinc"`
	Body            *string `memrel:"body,notnull"`
	CommentableType *string `memrel:"commentableType"`
	CommentableID   *int64  `memrel:"commentableId"`
}

type cfForumUser struct {
	ID    int64   `memrel:"id,pk,autoinc"`
	Name  *string `memrel:"name,notnull"`
	Posts []cfForumPost
}

type cfForumPost struct {
	ID       int64   `memrel:"id,pk,autoinc"`
	Title    *string `memrel:"title,notnull"`
	UserID   *int64  `memrel:"userId"`
	Comments []cfForumComment
	User     *cfForumUser
}

type cfForumComment struct {
	ID     int64   `memrel:"id,pk,autoinc"`
	Body   *string `memrel:"body,notnull"`
	Likes  *int64  `memrel:"likes,notnull,default=0"`
	PostID *int64  `memrel:"postId,notnull"`
	Post   *cfForumPost
}
