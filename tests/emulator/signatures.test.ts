/** Signatures: CRUD, 201 on create, ≤ 10 per grant, body ≤ 100 KB, sanitizing, signature_id on send. */
import { createAccount, useHarness } from "./helpers";

const h = useHarness();
let g: any;
beforeEach(async () => {
  g = await createAccount(h, "signer@agents.example.com");
});

const path = (grant = g.id) => `/v3/grants/${grant}/signatures`;

test("create → 201; get, list, update keeps the id, delete; another grant cannot see it", async () => {
  const r = await h.api("POST", path(), { name: "Work", body: "<p>— Agent Smith</p>" });
  expect(r.status).toBe(201);
  const s = r.body.data;
  expect(s).toMatchObject({ object: "signature", grant_id: g.id, name: "Work", body: "<p>— Agent Smith</p>" });
  expect(s.id).toMatch(/^sig_[a-z0-9]{20}$/);
  expect(s.created_at).toEqual(expect.any(Number));
  expect((await h.api("GET", `${path()}/${s.id}`)).body.data).toEqual(s);
  expect((await h.api("GET", path())).body).toMatchObject({ data: [s] });

  const u = await h.api("PUT", `${path()}/${s.id}`, { body: "<p>Regards</p>" });
  expect(u.status).toBe(200);
  expect(u.body.data).toMatchObject({ id: s.id, name: "Work", body: "<p>Regards</p>" });

  const other = await createAccount(h, "other@agents.example.com");
  expect((await h.api("GET", `${path(other.id)}/${s.id}`)).status).toBe(404);
  expect((await h.api("GET", path(other.id))).body.data).toEqual([]);

  expect((await h.api("DELETE", `${path()}/${s.id}`)).status).toBe(200);
  expect((await h.api("GET", `${path()}/${s.id}`)).status).toBe(404);
  expect((await h.api("DELETE", `${path()}/${s.id}`)).status).toBe(404);
});

test("validation: name and body required, body ≤ 100 KB, no inline images; scripts stripped", async () => {
  for (const bad of [{}, { name: "x" }, { body: "<p>x</p>" }, { name: "", body: "x" }, { name: "x", body: "" }, { name: 1, body: "x" }])
    expect((await h.api("POST", path(), bad)).status).toBe(400);
  const big = await h.api("POST", path(), { name: "big", body: "x".repeat(100 * 1024 + 1) });
  expect(big.status).toBe(400);
  expect(big.body.error.message).toMatch(/at most 102400 bytes/);
  expect((await h.api("POST", path(), { name: "edge", body: "x".repeat(100 * 1024) })).status).toBe(201);
  const img = await h.api("POST", path(), { name: "img", body: '<img src="data:image/png;base64,AAAA">' });
  expect(img.status).toBe(400);
  expect(img.body.error.message).toMatch(/inline/);
  const clean = await h.api("POST", path(), {
    name: "clean",
    body: '<p onclick="steal()">Hi</p><script>alert(1)</script><a href="javascript:evil()">x</a><img src="https://cdn.example/logo.png">',
  });
  expect(clean.body.data.body).toBe('<p>Hi</p><a href="#">x</a><img src="https://cdn.example/logo.png">');
});

test("at most 10 per grant; the 11th → 400 until one is deleted; paged list", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) ids.push((await h.api("POST", path(), { name: `s${i}`, body: `<p>${i}</p>` })).body.data.id);
  const eleventh = await h.api("POST", path(), { name: "s10", body: "<p>10</p>" });
  expect(eleventh.status).toBe(400);
  expect(eleventh.body.error.message).toMatch(/at most 10/);
  const page1 = await h.api("GET", `${path()}?limit=6`);
  const page2 = await h.api("GET", `${path()}?limit=6&page_token=${page1.body.next_cursor}`);
  expect([...page1.body.data, ...page2.body.data].map((s: any) => s.id)).toEqual(ids);
  expect(page2.body.next_cursor).toBeUndefined();
  await h.api("DELETE", `${path()}/${ids[0]}`);
  expect((await h.api("POST", path(), { name: "s10", body: "<p>10</p>" })).status).toBe(201);
});

test("signature_id on send appends the signature after a line break; unknown id → 400; deleted with the grant", async () => {
  const rcpt = await createAccount(h, "rcpt@agents.example.com");
  const s = (await h.api("POST", path(), { name: "Work", body: "<p>-- Signer</p>" })).body.data;
  const sent = await h.api("POST", `/v3/grants/${g.id}/messages/send`, { to: [{ email: rcpt.email }], subject: "s", body: "<p>Hello</p>", signature_id: s.id });
  expect(sent.status).toBe(200);
  expect(sent.body.data.body).toBe("<p>Hello</p><br><p>-- Signer</p>");
  const got = (await h.api("GET", `/v3/grants/${rcpt.id}/messages`)).body.data[0];
  expect(got.body).toBe("<p>Hello</p><br><p>-- Signer</p>");
  const bad = await h.api("POST", `/v3/grants/${rcpt.id}/messages/send`, { to: [{ email: g.email }], body: "x", signature_id: s.id });
  expect(bad.status).toBe(400);
  await h.api("DELETE", `/v3/grants/${g.id}`);
  expect((await h.ctl("GET", "/state")).body.signatures).toEqual([]);
});
