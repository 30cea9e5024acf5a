/**
 * The dashboard's only two static files, served from strings: no build step, nothing from
 * outside hosts (system fonts). The JS is progressive enhancement; every page works without it.
 */
import { FAVICON_ICO, FAVICON_SVG } from './favicon';
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';

export const CSS = `
:root{--fg:#1b1f24;--muted:#4b5563;--bg:#f6f7f9;--card:#fff;--line:#d4d8de;--brand:#0b4f8a;--brand-dark:#083a66;--focus:#b45309;
--ok-bg:#e3f4e8;--ok-fg:#0b5d2a;--warn-bg:#fff1d1;--warn-fg:#6b4400;--off-bg:#eceef1;--off-fg:#3f4650;--bad-bg:#fde4e4;--bad-fg:#8a1414;--info-bg:#e2eefb;--info-fg:#0b3f70}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--brand)}a:hover{color:var(--brand-dark)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}.skip:focus{left:.5rem}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
header.top{background:var(--brand);color:#fff}
header.top .bar{max-width:1200px;margin:0 auto;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header.top a,header.top button.link{color:#fff}
.brand{font-weight:700;font-size:1.15rem;text-decoration:none;margin-right:.5rem}
nav.main ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem}
nav.main a{display:block;padding:.4rem .6rem;border-radius:6px;text-decoration:none}
nav.main a[aria-current=page]{background:rgba(255,255,255,.2);font-weight:600}
nav.main a:hover{background:rgba(255,255,255,.12)}
header.top :focus-visible{outline-color:#ffd27a}
.who{margin-left:auto;display:flex;gap:.5rem;align-items:center;font-size:.9rem}
main{max-width:1200px;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .75rem}h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}
.card>h2:first-child,.card>h1:first-child,details.card>summary+h2{margin-top:0}
summary{cursor:pointer;font-weight:600}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(280px,1fr))}
.muted{color:var(--muted)}.small{font-size:.875rem}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;background:var(--card)}
caption{text-align:left;font-weight:600;padding:.5rem 0}
th,td{border-bottom:1px solid var(--line);padding:.45rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap}
.tree-d1{padding-left:1.5rem}.tree-d2{padding-left:2.75rem}.tree-d3{padding-left:4rem}.tree-d4{padding-left:5.25rem}
tr.tree-fold>td{padding:0}tr.tree-fold summary{padding-top:.45rem;padding-bottom:.45rem;cursor:pointer;color:var(--muted)}tr.tree-fold table{margin:0}
ul.plain{list-style:none;margin:0;padding:0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:#eef1f5;padding:.05rem .3rem;border-radius:4px;word-break:break-all}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:999px;font-size:.85rem;font-weight:600;white-space:nowrap;border:1px solid transparent}
.badge::before{margin-right:.25rem}
.s-registered,.s-submitted,.s-sent,.s-done,.s-active-link{background:var(--ok-bg);color:var(--ok-fg);border-color:#9fd3b0}
.s-registered::before,.s-submitted::before,.s-sent::before,.s-done::before{content:"✓"}
.s-late{background:#e6f3ef;color:#0f5746;border-color:#a7d3c6}.s-late::before{content:"✓"}
.s-pending,.s-queued,.s-sending,.s-draft{background:var(--warn-bg);color:var(--warn-fg);border-color:#f0cf85}
.s-pending::before,.s-queued::before,.s-sending::before{content:"…"}
.s-declined,.s-withdrawn,.s-excused,.s-cancelled,.s-closed{background:var(--off-bg);color:var(--off-fg);border-color:#c5cad1}
.s-declined::before,.s-excused::before,.s-cancelled::before{content:"–"}
.s-overdue,.s-failed{background:var(--bad-bg);color:var(--bad-fg);border-color:#efb0b0}
.s-overdue::before,.s-failed::before{content:"!"}
.s-active{background:var(--info-bg);color:var(--info-fg)}
.link-yes{color:var(--ok-fg);font-weight:700}.link-no{color:var(--bad-fg);font-weight:700}.link-none{color:var(--muted)}
form.inline{display:inline-flex;flex-wrap:wrap;gap:.35rem;align-items:center;margin:.15rem 0}
label{font-weight:600;display:block;margin:.6rem 0 .25rem}
label.check,label.radio{font-weight:400;display:flex;gap:.5rem;align-items:flex-start;margin:.3rem 0}
.help{font-size:.875rem;color:var(--muted);margin:.15rem 0 .4rem}
input[type=text],input[type=password],input[type=date],input[type=datetime-local],input[type=number],input[type=file],select,textarea{font:inherit;width:100%;max-width:100%;padding:.5rem .6rem;border:1px solid #8a929c;border-radius:6px;background:#fff;color:var(--fg)}
input[type=date].narrow,input.narrow{width:auto}
textarea{min-height:7rem;resize:vertical}
input[type=checkbox],input[type=radio]{width:1.15rem;height:1.15rem;margin-top:.2rem;flex:none}
fieldset{border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem;margin:.75rem 0}
legend{font-weight:600;padding:0 .25rem}
button,.button{font:inherit;display:inline-block;padding:.5rem 1rem;border-radius:6px;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;min-height:2.5rem}
button:hover,.button:hover{background:var(--brand-dark);color:#fff}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button.secondary:hover{background:#eef4fb;color:var(--brand-dark)}
button.danger{background:#a11b1b;border-color:#a11b1b}button.danger:hover{background:#7d1414}
button.small{padding:.25rem .6rem;min-height:2rem;font-size:.9rem}
button.link{background:none;border:none;padding:0;min-height:0;text-decoration:underline;color:var(--brand)}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
.notice{padding:.75rem 1rem;border-radius:6px;margin:0 0 1rem;border:1px solid}
.notice.ok{background:var(--ok-bg);color:var(--ok-fg);border-color:#9fd3b0}
.notice.err{background:var(--bad-bg);color:var(--bad-fg);border-color:#efb0b0}
.notice.info{background:var(--info-bg);color:var(--info-fg);border-color:#a9c8ea}
.notice.warn{background:var(--warn-bg);color:var(--warn-fg);border-color:#e6c66f}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
.stats{display:flex;flex-wrap:wrap;gap:.75rem;margin:0 0 1rem;padding:0;list-style:none}
.stats li{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.5rem .9rem;min-width:7rem}
.stats .n{display:block;font-size:1.6rem;font-weight:700}
progress{width:100%;height:1.25rem;accent-color:var(--ok-fg)}
.qr svg{width:220px;height:220px;background:#fff}
.chart svg{width:100%;max-width:720px;height:auto;background:#fff;border:1px solid var(--line);border-radius:6px}
pre.msg{white-space:pre-wrap;word-wrap:break-word;font:inherit;margin:0}
.chats{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(320px,1fr))}
.chat{display:flex;flex-direction:column;background:var(--card);border:1px solid var(--line);border-radius:8px;min-height:24rem}
.chat>header{padding:.6rem .9rem;border-bottom:1px solid var(--line)}
.chat>header h2{margin:0;font-size:1.05rem}
.log{list-style:none;margin:0;padding:.75rem;overflow-y:auto;max-height:28rem;flex:1;background:#eef1f5}
.log li{margin:.4rem 0;display:flex;flex-direction:column}
.bubble{max-width:92%;padding:.45rem .65rem;border-radius:10px;border:1px solid var(--line);background:#fff}
.from-user{align-items:flex-end}.from-user .bubble{background:#dcf1ff;border-color:#a9d3ef}
.from-user.press .bubble{background:#fff8e6;border-color:#f0cf85;font-style:italic}
.who-line{font-size:.8rem;color:var(--muted);margin-bottom:.15rem}
.quote{font-size:.85rem;border-left:3px solid #8a929c;padding-left:.4rem;color:var(--muted);margin-bottom:.25rem}
.btns{display:flex;flex-wrap:wrap;gap:.35rem;margin-top:.4rem}
.chat form.send{padding:.6rem .9rem;border-top:1px solid var(--line)}
.chat form.send textarea{min-height:4rem}
.reply-note{display:flex;gap:.5rem;align-items:center;font-size:.85rem;background:#fff8e6;border:1px solid #f0cf85;border-radius:6px;padding:.25rem .5rem;margin:.25rem 0}
.reply-note[hidden]{display:none}
@media (max-width:640px){main{padding:.75rem}h1{font-size:1.3rem}.who{margin-left:0}dl.facts{grid-template-columns:1fr}.chats{grid-template-columns:1fr}}
@media print{header.top,.actions,form{display:none}}
`;

export const JS = `(function(){
'use strict';
function $(s,r){return (r||document).querySelector(s)}
function $$(s,r){return Array.prototype.slice.call((r||document).querySelectorAll(s))}
// Confirmation before destructive forms; no double submission.
document.addEventListener('submit',function(e){
  var f=e.target;if(!(f instanceof HTMLFormElement))return;
  var msg=f.getAttribute('data-confirm');
  if(msg&&!window.confirm(msg)){e.preventDefault();return}
  if(f.hasAttribute('data-once')){if(f.dataset.sent){e.preventDefault();return}f.dataset.sent='1';$$('button[type=submit],button:not([type])',f).forEach(function(b){b.setAttribute('aria-disabled','true')})}
},true);
// One-time login link: submit at once (link previews do not run scripts, browsers do).
var auto=$('form[data-autosubmit]');if(auto){auto.submit()}
// Broadcast status: poll once a second, update the numbers and the bar, reload once at the end.
var st=$('[data-status-url]');
if(st){
  var url=st.getAttribute('data-status-url');var wasPending=Number(st.getAttribute('data-pending'))>0;
  var tick=function(){fetch(url,{headers:{accept:'application/json'},credentials:'same-origin'}).then(function(r){return r.ok?r.json():null}).then(function(s){
    if(!s)return setTimeout(tick,3000);
    ['total','sent','failed','pending'].forEach(function(k){$$('[data-field='+k+']',st).forEach(function(el){el.textContent=String(s[k])})});
    var bar=$('progress',st);if(bar){bar.max=Math.max(1,s.total);bar.value=s.sent+s.failed}
    var lab=$('[data-field=label]',st);if(lab&&s.label)lab.textContent=s.label;
    if(s.pending>0){wasPending=true;setTimeout(tick,1000)}else if(wasPending){location.reload()}
  }).catch(function(){setTimeout(tick,3000)})};
  setTimeout(tick,1000);
}
// Chat simulator.
var sim=$('[data-sandbox]');
if(sim){
  var version=Number(sim.getAttribute('data-version'))||0;
  var updUrl=sim.getAttribute('data-updates');
  var nameKey='dp-sandbox-name';
  $$('input[name=name]',sim).forEach(function(i){var v=localStorage.getItem(nameKey);if(v&&!i.hasAttribute('data-fixed'))i.value=v;i.addEventListener('change',function(){localStorage.setItem(nameKey,i.value)})});
  var scroll=function(log){log.scrollTop=log.scrollHeight};
  $$('.log',sim).forEach(scroll);
  var setReply=function(form,id,excerpt){var h=$('input[name=replyTo]',form);var note=$('.reply-note',form);if(!h||!note)return;h.value=id||'';$('[data-excerpt]',note).textContent=excerpt||'';note.hidden=!id;if(id){$('textarea',form).focus()}};
  sim.addEventListener('click',function(e){
    var t=e.target;if(!(t instanceof Element))return;
    var r=t.closest('[data-reply]');
    if(r){e.preventDefault();var chat=r.getAttribute('data-chat');var form=$('form.send[data-chat="'+chat+'"]',sim);if(form)setReply(form,r.getAttribute('data-reply'),r.getAttribute('data-excerpt'));return}
    var c=t.closest('[data-cancel-reply]');
    if(c){e.preventDefault();setReply(c.closest('form'),'','')}
  });
  var send=function(form){
    var fd=new FormData(form);
    var card=form.closest('.chat');var nameInput=$('input[name=name]',card||sim);if(nameInput&&!fd.get('name'))fd.set('name',nameInput.value);
    return fetch(form.action,{method:'POST',body:fd,headers:{accept:'application/json'},credentials:'same-origin'}).then(function(r){return r.json().catch(function(){return {ok:r.ok}})});
  };
  sim.addEventListener('submit',function(e){
    var f=e.target;if(!(f instanceof HTMLFormElement)||!f.hasAttribute('data-ajax'))return;
    e.preventDefault();
    var status=$('[data-form-status]',f);
    send(f).then(function(res){
      if(res&&res.ok===false&&res.error){if(status)status.textContent=res.error;return}
      if(status)status.textContent='';
      if(f.classList.contains('send')){var ta=$('textarea',f);if(ta)ta.value='';setReply(f,'','')}
      if(res&&res.reload)location.reload();
      poll(true);
    });
  });
  var polling=false;
  var poll=function(once){
    if(polling&&once)return;polling=true;
    fetch(updUrl+'?v='+version,{headers:{accept:'application/json'},credentials:'same-origin'}).then(function(r){return r.ok?r.json():null}).then(function(u){
      polling=false;
      if(u){
        if(u.reload){location.reload();return}
        u.messages.forEach(function(m){
          var log=$('#log-'+m.chatKey,sim);if(!log){location.reload();return}
          var old=document.getElementById('m-'+m.domId);
          var tmp=document.createElement('ul');tmp.innerHTML=m.html;var li=tmp.firstElementChild;if(!li)return;
          if(old)old.replaceWith(li);else{var empty=$('.empty',log);if(empty)empty.remove();log.appendChild(li)}
          scroll(log);
        });
        version=u.version;
        var live=$('#sandbox-live');if(live&&u.messages.length)live.textContent=u.notice||'';
      }
      if(!once)setTimeout(function(){poll(false)},1000);
    }).catch(function(){polling=false;if(!once)setTimeout(function(){poll(false)},3000)});
  };
  poll(false);
}
})();`;

function digest(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 10);
}

export const CSS_VERSION = digest(CSS);
export const JS_VERSION = digest(JS);
export const CSS_URL = `/assets/app.css?v=${CSS_VERSION}`;
export const JS_URL = `/assets/app.js?v=${JS_VERSION}`;

/** A versioned URL may be cached for a year; an unversioned one for an hour, with an ETag. */
export function mountAssets(app: Hono): void {
  const serve = (body: string, type: string, version: string) => (c: import('hono').Context) => {
    const etag = `"${version}"`;
    const versioned = c.req.query('v') === version;
    const headers: Record<string, string> = {
      'content-type': type,
      etag,
      'cache-control': versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
    };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(body, 200, headers);
  };
  app.get('/assets/app.css', serve(CSS, 'text/css; charset=utf-8', CSS_VERSION));
  const icon = { 'cache-control': 'public, max-age=86400', 'x-content-type-options': 'nosniff' };
  app.get('/favicon.svg', (c) =>
    c.body(FAVICON_SVG, 200, { ...icon, 'content-type': 'image/svg+xml' }),
  );
  app.get('/favicon.ico', (c) =>
    c.body(new Uint8Array(FAVICON_ICO), 200, { ...icon, 'content-type': 'image/x-icon' }),
  );
  app.get('/assets/app.js', serve(JS, 'text/javascript; charset=utf-8', JS_VERSION));
}
