package webhook_test

import (
	"bytes"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/openresolve/openresolve/webhook"
)

// A receiver verifies each callback with the signing secret `openresolve keys create`
// printed, and answers 2xx once it has stored the result.
func ExampleVerifier_Handler() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	v, err := webhook.NewVerifier(secret)
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/openresolve/callback", v.Handler(func(r *http.Request, e *webhook.Event) error {
		var hem struct {
			Email  string `json:"email"`
			SHA256 string `json:"sha256"`
		}
		if err := e.Decode(&hem); err != nil {
			return err
		}
		fmt.Println(e.ID, e.Status, e.ExternalID, hem.SHA256[:12])
		return nil
	}))

	// What OpenResolve sends, signed with the same secret.
	body := []byte(`{"id": "res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C", "status": "completed", "externalId": "row-7",
		"email": "jane.doe@example.com", "sha256": "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d"}`)
	now := time.Now().Unix()
	sig, _ := webhook.Sign(secret, "res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C", now, body)
	req := httptest.NewRequest(http.MethodPost, "/openresolve/callback", bytes.NewReader(body))
	req.Header.Set("webhook-id", "res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C")
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now, 10))
	req.Header.Set("webhook-signature", sig)
	w := httptest.NewRecorder()
	http.DefaultServeMux.ServeHTTP(w, req)
	fmt.Println(w.Code)

	// Output:
	// res_01JD6Z1V8K9Q4W2X3Y5Z7A8B9C completed row-7 86e0b9e56c17
	// 204
}
