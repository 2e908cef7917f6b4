/** The web inbox's one stylesheet (inline: the pages load nothing else). */
export const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
a{color:#0b5cad;text-decoration:none}a:hover{text-decoration:underline}
header{display:flex;gap:16px;align-items:baseline;padding:10px 20px;background:#1f2a44;color:#fff}
header .brand{color:#fff;font-weight:600;font-size:16px}header .muted{color:#b8c2d9}
nav{display:flex;gap:4px;padding:0 20px;background:#fff;border-bottom:1px solid #d0d7de}
nav a{padding:9px 12px;color:#1f2328;border-bottom:2px solid transparent}
nav a.active{border-bottom-color:#fd8c73;font-weight:600}
.page{display:flex;gap:20px;padding:16px 20px;align-items:flex-start}
aside{width:270px;flex:none;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 12px}
aside h2{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#57606a;margin:2px 0 8px}
aside ul{list-style:none;margin:0;padding:0}aside li{padding:4px 6px;border-radius:4px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
aside li.current{background:#ddf4ff}
main{flex:1;min-width:0;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:14px 18px}
h1{font-size:20px;margin:0 0 8px}h2{font-size:15px;margin:18px 0 8px}
.muted{color:#57606a;font-weight:normal}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{font-size:12px;color:#57606a;font-weight:600;background:#f6f8fa}
tr.unread td{font-weight:600}td.date{white-space:nowrap}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px}
.count{color:#57606a;font-size:12px}
.badge{display:inline-block;min-width:18px;padding:0 6px;border-radius:9px;background:#0969da;color:#fff;font-size:11px;text-align:center}
.pill{display:inline-block;padding:0 7px;border-radius:9px;background:#eaeef2;font-size:12px;margin-right:3px}
.pill.ok{background:#dafbe1;color:#116329}.pill.bad{background:#ffebe9;color:#a40e26}
.folders{display:flex;flex-wrap:wrap;gap:6px;margin:10px 0}
.folder{padding:4px 10px;border:1px solid #d0d7de;border-radius:14px;color:#1f2328}
.folder.active{background:#1f2a44;color:#fff;border-color:#1f2a44}.folder.active .count{color:#b8c2d9}
.message{border:1px solid #d0d7de;border-radius:6px;margin:10px 0;padding:10px 12px}
.message.unread{border-left:3px solid #0969da}
.message .meta{display:flex;gap:8px;flex-wrap:wrap}.message .right{margin-left:auto;color:#57606a}
.message .subject{font-weight:600;margin:4px 0}
.message iframe{width:100%;height:140px;border:1px solid #eaeef2;border-radius:4px;background:#fff}
details summary{cursor:pointer;color:#57606a;font-size:12px;margin-top:6px}
table.headers th{width:160px;background:none}table.headers td{font:12px ui-monospace,monospace;word-break:break-all}
`;
