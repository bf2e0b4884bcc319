% rebase('layout.tpl')
<section class="card error-card">
  <p class="error-code">{{code}}</p>
  <h1>{{heading}}</h1>
  <p>{{text}}</p>
  <p><a class="btn" href="/">{{t('error.home')}}</a></p>
</section>
